"""The secretariat's publishing workflow in the admin: publish, freeze, correct."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

import reports.services
from recommendations.models import Recommendation
from reports.models import Publication, PublicationPdf, QuarterlyUpdate
from reports.pdf import publication_pdf_store
from tests.oversight.factories import StaffUserFactory, UserFactory
from tests.reports.factories import (
    ProgressUpdateFactory,
    PublicationFactory,
    PublicationPdfFactory,
    QuarterlyUpdateFactory,
    ReadyToPublishQuarterlyUpdateFactory,
)
from tests.reports.publishing import approve_for_test, publish_for_test

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client() -> Client:
    """Staff who may change editions but are not in the secretariat: they may not publish."""
    user = StaffUserFactory(username="other-staff")
    user.user_permissions.add(
        Permission.objects.get(codename="change_quarterlyupdate"),
        Permission.objects.get(codename="view_quarterlyupdate"),
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def draft() -> QuarterlyUpdate:
    return ReadyToPublishQuarterlyUpdateFactory()


@pytest.fixture
def approved(draft) -> QuarterlyUpdate:
    """Marked ready and approved by two other people: the secretariat may publish it."""
    return approve_for_test(draft)


@pytest.fixture
def published(draft, secretariat_user) -> QuarterlyUpdate:
    publish_for_test(draft, by=secretariat_user)
    draft.refresh_from_db()
    return draft


def url(view: str, edition: QuarterlyUpdate) -> str:
    return reverse(f"admin:reports_quarterlyupdate_{view}", args=[edition.pk])


def _edition_data(edition: QuarterlyUpdate, **changes: str) -> dict[str, object]:
    """The change form as posted, with the edition's bullets unchanged."""
    bullets = list(edition.bullets.all())
    data = {
        "series": edition.series,
        "title": edition.title,
        "period": edition.period.isoformat(),
        "slug": edition.slug,
        "publisher": edition.publisher_id,
        "foreword_heading": edition.foreword_heading,
        "foreword": edition.foreword,
        "signature_description": edition.signature_description,
        "signatory_name": edition.signatory_name,
        "signatory_role": edition.signatory_role,
        "bullets-TOTAL_FORMS": len(bullets),
        "bullets-INITIAL_FORMS": len(bullets),
        "bullets-MIN_NUM_FORMS": 0,
        "bullets-MAX_NUM_FORMS": 1000,
        "publications-TOTAL_FORMS": 0,
        "publications-INITIAL_FORMS": 0,
        "publications-MIN_NUM_FORMS": 0,
        "publications-MAX_NUM_FORMS": 1000,
        **changes,
    }
    for index, bullet in enumerate(bullets):
        data.update(
            {
                f"bullets-{index}-id": bullet.pk,
                f"bullets-{index}-edition": edition.pk,
                f"bullets-{index}-recommendation": bullet.recommendation_id,
                f"bullets-{index}-position": bullet.position,
                f"bullets-{index}-source": bullet.source,
                f"bullets-{index}-text": "Changed in the admin.",
            }
        )
    return data


# --- Who may publish --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous_client", "login"),
        ("member_client", "login"),  # not staff: the admin sends them to its login
        ("staff_client", 403),  # staff who may change editions, but not the secretariat
        ("secretariat_client", 200),
    ],
)
def test_who_may_see_the_publish_page(request, draft, persona, expected) -> None:
    client = request.getfixturevalue(persona)

    response = client.get(url("publish", draft))

    _assert_access(response, expected, url("publish", draft))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous_client", "login"),
        ("member_client", "login"),
        ("staff_client", 403),
        ("secretariat_client", 302),
    ],
)
def test_who_may_publish(request, approved, persona, expected) -> None:
    client = request.getfixturevalue(persona)

    response = client.post(url("publish", approved))

    _assert_access(response, expected, url("publish", approved))
    approved.refresh_from_db()
    assert approved.is_published == (expected == 302)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous_client", "login"),
        ("member_client", "login"),
        ("staff_client", 403),
        ("secretariat_client", 302),
    ],
)
def test_who_may_start_a_correction(request, published, persona, expected) -> None:
    client = request.getfixturevalue(persona)

    response = client.post(url("correction", published))

    _assert_access(response, expected, url("correction", published))
    published.refresh_from_db()
    corrected = published.status == QuarterlyUpdate.Status.CORRECTING
    assert corrected == (expected == 302)


def _assert_access(response, expected, path: str) -> None:
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('admin:login')}?next={path}"
    else:
        assert response.status_code == expected


def test_publishing_needs_the_secretariat_and_a_real_edition(secretariat_client) -> None:
    response = secretariat_client.get(reverse("admin:reports_quarterlyupdate_publish", args=[999]))

    assert response.status_code == 404


# --- The publish page -------------------------------------------------------------------------


def test_the_publish_page_lists_what_is_missing_with_links_to_fix_it(
    secretariat_client, draft
) -> None:
    QuarterlyUpdate.objects.filter(pk=draft.pk).update(foreword="", signatory_name="")
    draft.bullets.all().delete()

    response = secretariat_client.get(url("publish", draft))

    change_url = url("change", draft)
    assert [(str(message), href) for message, href in response.context["errors"]] == [
        (reports.services.NOT_APPROVED, f"{change_url}#sign-off"),
        ("Write the foreword: the words that open the update.", f"{change_url}#id_foreword"),
        (
            "Enter who signs the foreword, for example “The Rt Hon Theresa May MP”.",
            f"{change_url}#id_signatory_name",
        ),
        (
            response.context["errors"][3][0],
            reverse(
                "admin:reports_quarterlyupdate_section",
                args=[draft.pk, Recommendation.objects.get().number],
            ),
        ),
    ]
    assert response.context["errors"][3][0].startswith("Add progress for Recommendation")
    page = response.content.decode()
    assert "There is a problem" in page
    assert f'<a href="{change_url}#id_foreword">Write the foreword' in page


def test_the_publish_page_shows_personal_data_in_context_escaped(secretariat_client, draft) -> None:
    ProgressUpdateFactory(
        edition=draft,
        recommendation=draft.bullets.get().recommendation,
        text="<script>alert(1)</script> Contact jane@example.org for help.",
    )
    approve_for_test(draft)

    response = secretariat_client.get(url("publish", draft))

    page = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Contact <mark>jane@example.org</mark>" in page
    assert "<script>alert(1)" not in page
    assert "I have checked these and they are not personal data" in page
    assert response.context["errors"] == []


def test_personal_data_must_be_confirmed_before_publishing(secretariat_client, draft) -> None:
    ProgressUpdateFactory(
        edition=draft, recommendation=draft.bullets.get().recommendation, text="DC Jones attended."
    )
    approve_for_test(draft)

    response = secretariat_client.post(url("publish", draft))

    assert response.status_code == 200
    assert [str(message) for message, _ in response.context["errors"]] == [
        "Check each warning below, then confirm it is not personal data."
    ]
    assert not draft.publications.exists()

    response = secretariat_client.post(url("publish", draft), {"warnings_accepted": "on"})

    assert response.status_code == 302
    assert draft.publications.count() == 1


def test_publishing_through_the_admin(secretariat_client, secretariat_user, approved) -> None:
    draft = approved
    response = secretariat_client.get(url("publish", draft))
    assert response.status_code == 200
    assert "change_note" not in response.context["form"].fields  # a first publication

    response = secretariat_client.post(url("publish", draft))

    assert response["Location"] == url("change", draft)
    publication = draft.publications.get()
    assert (publication.revision, publication.published_by) == (1, secretariat_user)
    [message] = get_messages(response.wsgi_request)
    assert str(message) == (
        f"Published revision 1 of “{draft}”. "
        f'<a href="{draft.get_absolute_url()}">View it on the public site</a>.'
    )


def test_publishing_checks_the_edition_once(secretariat_client, approved, monkeypatch) -> None:
    """The publish page leaves the checks to the service: the edition is read once, under lock."""
    draft = approved
    snapshots = []
    real_snapshot = reports.services.edition_snapshot
    monkeypatch.setattr(
        reports.services,
        "edition_snapshot",
        lambda edition: snapshots.append(edition.pk) or real_snapshot(edition),
    )

    response = secretariat_client.post(url("publish", draft))

    assert response.status_code == 302
    assert snapshots == [draft.pk]


def test_the_sections_of_a_correction_can_be_edited(secretariat_client, published) -> None:
    number = Recommendation.objects.get().number
    section_url = reverse("admin:reports_quarterlyupdate_section", args=[published.pk, number])
    assert secretariat_client.get(section_url)["Location"] == url("change", published)

    secretariat_client.post(url("correction", published))

    page = secretariat_client.get(url("change", published)).content.decode()
    assert f'href="{section_url}"' in page
    assert secretariat_client.get(section_url).status_code == 200


def test_publishing_needs_post(secretariat_client, draft) -> None:
    secretariat_client.get(url("publish", draft))

    assert not draft.publications.exists()
    assert secretariat_client.put(url("publish", draft)).status_code == 405


def test_a_correction_needs_a_change_note_and_keeps_what_was_typed(
    secretariat_client, published
) -> None:
    secretariat_client.post(url("correction", published))
    approve_for_test(published)

    response = secretariat_client.post(url("publish", published), {"change_note": ""})

    assert response.status_code == 200
    assert [(str(message), href) for message, href in response.context["errors"]] == [
        ("Enter a change note saying what this correction changed.", "#id_change_note")
    ]

    published.bullets.all().delete()  # now the correction has a problem too
    response = secretariat_client.post(
        url("publish", published), {"change_note": "Corrected the <b>date</b> of the meeting."}
    )

    assert response.status_code == 200
    # Changed after its approval, so back to draft; and the correction lacks a bullet.
    assert response.context["errors"][0][0] == reports.services.CHANGED_SINCE_APPROVAL
    assert response.context["errors"][1][0].startswith("Add progress for Recommendation")
    published.refresh_from_db()
    assert published.signoff_status == QuarterlyUpdate.SignOff.DRAFT
    assert "Corrected the &lt;b&gt;date&lt;/b&gt; of the meeting.</textarea>" in (
        response.content.decode()
    )
    assert published.publications.count() == 1


def test_publishing_a_correction_through_the_admin(secretariat_client, published) -> None:
    secretariat_client.post(url("correction", published))
    approve_for_test(published)

    response = secretariat_client.post(
        url("publish", published), {"change_note": "Corrected the date of the meeting."}
    )

    assert response.status_code == 302
    latest = published.publications.latest()
    assert (latest.revision, latest.change_note) == (2, "Corrected the date of the meeting.")


def test_an_already_published_edition_goes_back_to_its_page(secretariat_client, published) -> None:
    response = secretariat_client.get(url("publish", published))

    assert response["Location"] == url("change", published)
    [message] = get_messages(response.wsgi_request)
    assert "Start a correction" in str(message)


# --- A published edition is frozen ------------------------------------------------------------


def test_a_published_edition_is_read_only(secretariat_client, published) -> None:
    response = secretariat_client.get(url("change", published))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert response.context["adminform"].form.fields == {}
    # Its sections are listed, with no link to edit them.
    assert [section.url for section in response.context["sections"]] == [""]
    assert "/sections/" not in response.content.decode()
    assert "Publish</a>" not in response.content.decode()


def test_posting_to_a_published_edition_changes_nothing(secretariat_client, published) -> None:
    data = _edition_data(published, title="Rewritten")

    response = secretariat_client.post(url("change", published), data)

    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title != "Rewritten"
    assert list(published.bullets.values_list("text", flat=True)) != ["Changed in the admin."]


def test_a_published_editions_bullets_cannot_be_changed_on_their_own(
    secretariat_client, published
) -> None:
    bullet = published.bullets.get()
    change = reverse("admin:reports_progressupdate_change", args=[bullet.pk])
    delete = reverse("admin:reports_progressupdate_delete", args=[bullet.pk])

    response = secretariat_client.post(
        change,
        {
            "edition": published.pk,
            "recommendation": bullet.recommendation_id,
            "position": 0,
            "source": "written",
            "text": "Rewritten.",
        },
    )

    assert response.status_code == 403
    assert secretariat_client.post(delete, {"post": "yes"}).status_code == 403
    bullet.refresh_from_db()
    assert bullet.text != "Rewritten."


def test_a_published_edition_cannot_be_deleted(secretariat_client, published) -> None:
    assert secretariat_client.get(url("delete", published)).status_code == 403
    assert secretariat_client.post(url("delete", published), {"post": "yes"}).status_code == 403
    assert QuarterlyUpdate.objects.filter(pk=published.pk).exists()


def test_bulk_delete_leaves_published_editions(secretariat_client, published) -> None:
    other_draft = QuarterlyUpdateFactory()
    changelist = reverse("admin:reports_quarterlyupdate_changelist")
    data = {
        "action": "delete_selected",
        "_selected_action": [published.pk, other_draft.pk],
        "post": "yes",
    }

    response = secretariat_client.post(changelist, data)

    assert response.status_code == 200  # the page saying why, not a redirect after deleting
    assert "published editions are never deleted" in response.content.decode()
    assert QuarterlyUpdate.objects.count() == 2


def test_a_draft_can_be_edited_and_deleted(secretariat_client, draft) -> None:
    response = secretariat_client.post(url("change", draft), _edition_data(draft, title="New"))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "New"
    assert secretariat_client.post(url("delete", draft), {"post": "yes"}).status_code == 302
    assert not QuarterlyUpdate.objects.filter(pk=draft.pk).exists()


# --- Starting a correction --------------------------------------------------------------------


def test_starting_a_correction_needs_post(secretariat_client, published) -> None:
    response = secretariat_client.get(url("correction", published))

    assert response.status_code == 405
    published.refresh_from_db()
    assert published.status == QuarterlyUpdate.Status.PUBLISHED


def test_a_correction_opens_the_edition_for_editing(secretariat_client, published) -> None:
    response = secretariat_client.post(url("correction", published))

    assert response["Location"] == url("change", published)
    response = secretariat_client.post(
        url("change", published), _edition_data(published, title="Corrected")
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.title == "Corrected"
    # Still published, so still not deletable.
    assert secretariat_client.get(url("delete", published)).status_code == 403


def test_a_draft_cannot_have_a_correction(secretariat_client, draft) -> None:
    response = secretariat_client.post(url("correction", draft))

    assert response["Location"] == url("change", draft)
    [message] = get_messages(response.wsgi_request)
    assert str(message) == "Only a published edition can be corrected."


# --- The tools on the change page -------------------------------------------------------------


def test_a_drafts_page_offers_preview_and_sign_off_then_publish(secretariat_client, draft) -> None:
    page = secretariat_client.get(url("change", draft)).content.decode()

    assert f'href="{reverse("reports:edition-preview", args=[draft.slug])}"' in page
    assert f'<form method="post" action="{url("ready", draft)}"' in page
    assert url("publish", draft) not in page  # not approved yet
    assert url("correction", draft) not in page
    assert "View on site" not in page  # a draft has no public page yet

    approve_for_test(draft)
    page = secretariat_client.get(url("change", draft)).content.decode()

    assert f'<a href="{url("publish", draft)}">Publish</a>' in page
    assert url("ready", draft) not in page


def test_a_published_editions_page_offers_a_correction(secretariat_client, published) -> None:
    page = secretariat_client.get(url("change", published)).content.decode()

    assert f'<form method="post" action="{url("correction", published)}"' in page
    assert "csrfmiddlewaretoken" in page
    assert f'href="{published.get_absolute_url()}" class="viewsitelink"' in page
    assert url("publish", published) not in page


def test_only_the_secretariat_sees_the_publishing_tools(staff_client, draft) -> None:
    page = staff_client.get(url("change", draft)).content.decode()

    assert url("publish", draft) not in page


def test_the_list_shows_each_editions_revisions(secretariat_client, published) -> None:
    QuarterlyUpdateFactory()

    response = secretariat_client.get(reverse("admin:reports_quarterlyupdate_changelist"))

    page = response.content.decode()
    assert "Published (revision 1, published " in page
    assert ">Draft<" in page


# --- Publications are never changed -----------------------------------------------------------


@pytest.mark.parametrize("model", [Publication, PublicationPdf])
def test_publications_are_read_only_even_for_a_superuser(superuser_client, model) -> None:
    row = PublicationPdfFactory() if model is PublicationPdf else PublicationFactory()
    opts = model._meta
    change = reverse(f"admin:reports_{opts.model_name}_change", args=[row.pk])

    assert superuser_client.get(reverse(f"admin:reports_{opts.model_name}_add")).status_code == 403
    assert superuser_client.post(change, {"change_note": "Rewritten."}).status_code == 403
    delete = reverse(f"admin:reports_{opts.model_name}_delete", args=[row.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    response = superuser_client.get(change)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert model.objects.filter(pk=row.pk).exists()


def test_a_publication_shows_its_content_and_public_page(secretariat_client) -> None:
    publication = PublicationFactory(edition__foreword="Words <b>as published</b>.")

    response = secretariat_client.get(
        reverse("admin:reports_publication_change", args=[publication.pk])
    )

    page = response.content.decode()
    public_url = reverse("reports:edition-revision", args=[publication.edition.slug, 1])
    assert f'<a href="{public_url}">' in page
    assert "Words &lt;b&gt;as published&lt;/b&gt;." in page


def test_a_pdf_is_listed_without_its_content(secretariat_client) -> None:
    pdf = PublicationPdfFactory(content=b"%PDF-secret-bytes" * 100)

    response = secretariat_client.get(reverse("admin:reports_publicationpdf_changelist"))
    detail = secretariat_client.get(reverse("admin:reports_publicationpdf_change", args=[pdf.pk]))

    for page in (response.content.decode(), detail.content.decode()):
        assert "PDF-secret-bytes" not in page
        assert "2 KB" in page


def test_a_pdf_in_file_storage_is_listed_with_its_size(secretariat_client) -> None:
    stored = publication_pdf_store(PublicationFactory())  # as the job makes it, into storage
    assert stored.file and not stored.content

    page = secretariat_client.get(reverse("admin:reports_publicationpdf_changelist"))

    assert f"{stored.file.size / 1024:.0f} KB" in page.content.decode()
    assert stored.file.size > 10_000  # a real PDF, not 0 KB


def test_the_publications_list_has_no_delete_action(superuser_client) -> None:
    PublicationFactory()

    response = superuser_client.get(reverse("admin:reports_publication_changelist"))

    assert response.context["action_form"] is None


def test_bullets_are_listed_newest_edition_first_each_in_its_order(secretariat_client) -> None:
    older, newer = QuarterlyUpdateFactory(), QuarterlyUpdateFactory()
    for edition in (older, newer):
        for position in (2, 1):
            ProgressUpdateFactory(
                edition=edition, position=position, text=f"{edition.slug} {position}"
            )

    response = secretariat_client.get(reverse("admin:reports_progressupdate_changelist"))

    listed = [bullet.text for bullet in response.context["cl"].result_list]
    assert listed == [f"{newer.slug} 1", f"{newer.slug} 2", f"{older.slug} 1", f"{older.slug} 2"]
