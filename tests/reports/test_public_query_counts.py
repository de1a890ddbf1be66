"""Every public page made from publications takes the same queries with 1 and with 40 editions
published (issue 11): the count never grows with the years of quarters."""

import pytest

from tests.reports.factories import ReadyToPublishQuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test

pytestmark = pytest.mark.django_db


def _publish(count: int) -> list[str]:
    """Editions published one after another, oldest first: their slugs."""
    slugs = []
    for _ in range(count):
        edition = ReadyToPublishQuarterlyUpdateFactory()
        publish_for_test(edition, by=None)
        slugs.append(edition.slug)
    return slugs


@pytest.fixture(params=[1, 40], ids=lambda count: f"{count} editions")
def published_editions(request) -> list[str]:
    return _publish(request.param)


@pytest.fixture(params=[2, 40], ids=lambda count: f"{count} editions")
def editions_with_a_previous(request) -> list[str]:
    """The changes page compares with the edition before, so at least two."""
    return _publish(request.param)


def test_the_feed_takes_two_queries_however_many_editions(
    published_editions, anonymous_client, django_assert_num_queries
):
    # 1. The publications' version (the ETag; reports.published_responses).
    # 2. The latest publication of each published edition, with its edition.
    with django_assert_num_queries(2):
        response = anonymous_client.get("/updates/feed/")

    assert response.status_code == 200
    assert response.content.decode().count("<entry>") == len(published_editions)


def test_the_changes_page_takes_two_queries_however_many_editions(
    editions_with_a_previous, anonymous_client, django_assert_num_queries
):
    # 1. The edition's latest publication, with its edition.
    # 2. The latest publication of the newest earlier published edition, with its edition.
    with django_assert_num_queries(2):
        response = anonymous_client.get(f"/updates/{editions_with_a_previous[-1]}/changes/")

    assert response.status_code == 200


def test_the_editions_list_takes_two_queries_however_many_editions(
    published_editions, anonymous_client, django_assert_num_queries
):
    # 1. The publications' version (the ETag; reports.published_responses).
    # 2. The latest publication of each edition, with its edition (title and period only).
    with django_assert_num_queries(2):
        response = anonymous_client.get("/updates/")

    assert response.status_code == 200
    for slug in published_editions:
        assert f'href="/updates/{slug}/"' in response.content.decode()


def test_the_home_page_takes_three_queries_however_many_editions(
    published_editions, anonymous_client, django_assert_num_queries
):
    # 1. The publications' version (the ETag; reports.published_responses).
    # 2. The number of recommendations, for the introduction.
    # 3. The latest publication of the newest published edition, with its edition.
    with django_assert_num_queries(3):
        response = anonymous_client.get("/")

    assert response.status_code == 200
    assert f'href="/updates/{published_editions[-1]}/"' in response.content.decode()


@pytest.mark.parametrize("path", ["/updates/{slug}/", "/updates/{slug}.json"])
def test_an_edition_takes_one_query_however_many_editions(
    path, published_editions, anonymous_client, django_assert_num_queries
):
    url = path.format(slug=published_editions[0])
    anonymous_client.get(url)  # the first request may store its compressed copy

    # 1. The edition's publications, newest first (the stored render and its history).
    with django_assert_num_queries(1):
        response = anonymous_client.get(url)

    assert response.status_code == 200
