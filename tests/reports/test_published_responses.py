"""Pages made from the publications alone are rendered once per publication in each worker,
revalidate for one query, and change as soon as something new is published."""

import pytest
from django.core.management import call_command

from reports.middleware import published_page_cache_clear
from reports.published_responses import made_from_publications_clear
from tests.reports.factories import ReadyToPublishQuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test

pytestmark = pytest.mark.django_db

PAGES = ["/", "/updates/", "/updates/feed/", "/data/", "/data/progress-updates.csv"]


@pytest.fixture
def kept(settings):
    settings.PUBLICATION_PAGES_KEPT = 200
    made_from_publications_clear()
    yield
    made_from_publications_clear()


@pytest.fixture
def loaded_2014(db):
    call_command("load_hmic_2014", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.parametrize("path", PAGES)
def test_the_page_is_rendered_once_then_costs_one_query(
    path, kept, loaded_2014, anonymous_client, django_assert_num_queries
):
    first = anonymous_client.get(path)

    # 1. The publications' version: unchanged, so the page kept from the first request.
    with django_assert_num_queries(1):
        second = anonymous_client.get(path)

    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["ETag"] == first["ETag"]


@pytest.mark.parametrize("path", PAGES)
def test_a_new_publication_changes_the_page_at_once(path, kept, loaded_2014, anonymous_client):
    before = anonymous_client.get(path)
    edition = ReadyToPublishQuarterlyUpdateFactory(title="The second quarterly update")
    publish_for_test(edition, by=None)

    after = anonymous_client.get(path)

    assert after["ETag"] != before["ETag"]
    assert edition.slug in after.content.decode()  # its link, or its rows in the dataset
    assert edition.slug not in before.content.decode()


@pytest.mark.parametrize("path", PAGES)
def test_a_client_revalidating_its_copy_gets_not_modified_for_one_query(
    path, loaded_2014, anonymous_client, django_assert_num_queries
):
    etag = anonymous_client.get(path)["ETag"]

    with django_assert_num_queries(1):
        response = anonymous_client.get(path, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize("path", [*PAGES, "/recommendations/", "/forces/", "/data/forces.json"])
def test_the_worker_keeps_the_page_in_front_of_everything_for_a_few_seconds(
    path, settings, loaded_2014, anonymous_client, django_assert_num_queries
):
    settings.PUBLISHED_PAGE_CACHE_SECONDS = 10
    published_page_cache_clear()
    first = anonymous_client.get(path)

    with django_assert_num_queries(0):
        response = anonymous_client.get(path)

    published_page_cache_clear()
    assert response.status_code == 200
    assert response.content == first.content
    assert response.get("Content-Disposition") == first.get("Content-Disposition")


def test_before_anything_is_published_the_pages_say_so_uncached(kept, anonymous_client):
    response = anonymous_client.get("/updates/")

    assert response.status_code == 200
    assert "ETag" not in response


def test_at_most_the_set_number_of_pages_are_kept(settings, kept, loaded_2014, anonymous_client):
    settings.PUBLICATION_PAGES_KEPT = 2
    from reports import published_responses

    for query in ("a", "b", "c"):
        anonymous_client.get(f"/updates/?{query}")

    assert list(published_responses.KEPT_PAGES.pages) == [
        "testserver/updates/?b",
        "testserver/updates/?c",
    ]


def test_a_kept_page_is_made_again_the_next_day(kept, loaded_2014, anonymous_client, monkeypatch):
    """ "Overdue" appears on the day a due date passes, though nothing was published."""
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    etag = anonymous_client.get("/recommendations/")["ETag"]
    monkeypatch.setattr(timezone, "localdate", lambda: today + datetime.timedelta(days=1))

    response = anonymous_client.get("/recommendations/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
