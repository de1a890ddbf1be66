import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from reports import middleware
from reports.middleware import published_page_cache_clear
from tests.reports.factories import ProgressUpdateFactory

pytestmark = pytest.mark.django_db

EDITION_URL = "/updates/2014-12/"


@pytest.fixture
def page_cache(settings):
    settings.PUBLISHED_PAGE_CACHE_SECONDS = 10
    published_page_cache_clear()
    yield
    published_page_cache_clear()


@pytest.fixture
def loaded_2014(db):
    call_command("load_hmic_2014", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_a_published_page_is_served_from_memory_after_the_first_request(
    page_cache, loaded_2014, anonymous_client, django_assert_num_queries
):
    first = anonymous_client.get(EDITION_URL)

    with django_assert_num_queries(0):
        second = anonymous_client.get(EDITION_URL)

    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == first["Cache-Control"]


def test_revalidation_from_memory_answers_not_modified(page_cache, loaded_2014, anonymous_client):
    etag = anonymous_client.get(EDITION_URL)["ETag"]

    response = anonymous_client.get(EDITION_URL, headers={"if-none-match": etag})

    assert response.status_code == 304
    assert response["ETag"] == etag


def test_the_copy_expires(
    page_cache, loaded_2014, anonymous_client, monkeypatch, django_assert_num_queries
):
    anonymous_client.get(EDITION_URL)
    eleven_seconds_later = middleware.time.monotonic() + 11
    monkeypatch.setattr(middleware.time, "monotonic", lambda: eleven_seconds_later)

    # The view runs again: its one query for the edition's publications.
    with django_assert_num_queries(1):
        assert anonymous_client.get(EDITION_URL).status_code == 200


def test_query_strings_and_private_pages_are_never_kept(
    page_cache, loaded_2014, anonymous_client, member_client
):
    anonymous_client.get(EDITION_URL + "?utm_source=junk")
    draft = ProgressUpdateFactory().edition
    member_client.get(f"/updates/{draft.slug}/")
    member_client.get("/members/")

    assert middleware._pages == {}


def test_a_drafts_address_stays_private_even_after_a_member_has_seen_it(
    page_cache, anonymous_client, member_client
):
    draft = ProgressUpdateFactory(edition__shared_at=timezone.now()).edition
    assert member_client.get(f"/updates/{draft.slug}/").status_code == 200

    assert anonymous_client.get(f"/updates/{draft.slug}/").status_code == 404


def test_a_host_the_site_does_not_answer_to_is_refused_even_for_a_cached_page(
    page_cache, loaded_2014, anonymous_client
):
    assert anonymous_client.get(EDITION_URL).status_code == 200
    assert middleware._pages

    response = anonymous_client.get(EDITION_URL, headers={"host": "evil.example"})

    assert response.status_code == 400


def test_spellings_of_a_revision_number_are_not_found_and_not_kept(
    page_cache, loaded_2014, anonymous_client
):
    assert anonymous_client.get("/updates/2014-12/revisions/1/").status_code == 200

    for zeros in range(1, 301):
        path = f"/updates/2014-12/revisions/{'0' * zeros}1/"
        assert anonymous_client.get(path).status_code == 404, path
    for path in ("/updates/2014-12/revisions/0/", "/updates/2014-12/revisions/+1/"):
        assert anonymous_client.get(path).status_code == 404, path

    assert list(middleware._pages) == ["/updates/2014-12/revisions/1/"]


def test_only_the_canonical_address_of_a_page_is_kept(page_cache, loaded_2014, anonymous_client):
    # The same page through a path its view would not reverse to: the view may answer, but
    # nothing is kept for it. (No such route exists now; this guards routes added later.)
    request = RequestFactory().get("/updates/2014-12/")
    request.resolver_match = type(
        "Match", (), {"view_name": "reports:edition-detail", "args": (), "kwargs": {"slug": "x"}}
    )()

    assert middleware._is_canonical(request) is False


def test_the_cache_keeps_a_bounded_number_of_pages(
    page_cache, loaded_2014, anonymous_client, monkeypatch
):
    monkeypatch.setattr(middleware, "MAX_PAGES", 1)

    anonymous_client.get(EDITION_URL)
    anonymous_client.get("/updates/2014-12/revisions/1/")

    assert list(middleware._pages) == ["/updates/2014-12/revisions/1/"]


def test_expired_pages_make_room_before_fresh_ones_are_dropped(page_cache, monkeypatch):
    monkeypatch.setattr(middleware, "MAX_PAGES", 2)
    now = [100.0]
    monkeypatch.setattr(middleware.time, "monotonic", lambda: now[0])
    middleware._keep("/a/", 60, HttpResponse(b"a"))
    middleware._keep("/b/", 5, HttpResponse(b"b"))
    now[0] += 10

    middleware._keep("/c/", 60, HttpResponse(b"c"))

    assert list(middleware._pages) == ["/a/", "/c/"]
