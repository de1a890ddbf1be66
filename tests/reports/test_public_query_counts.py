"""Public pages whose query counts were measured at one size only: the same count at two."""

import pytest

from tests.reports.factories import ReadyToPublishQuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[2, 8], ids=lambda count: f"{count} editions")
def published_editions(request) -> list[str]:
    """Editions published one after another, oldest first: their slugs."""
    slugs = []
    for _ in range(request.param):
        edition = ReadyToPublishQuarterlyUpdateFactory()
        publish_for_test(edition, by=None)
        slugs.append(edition.slug)
    return slugs


def test_the_feed_takes_one_query_however_many_editions(
    published_editions, anonymous_client, django_assert_num_queries
):
    # 1. The latest publication of each published edition, with its edition.
    with django_assert_num_queries(1):
        response = anonymous_client.get("/updates/feed/")

    assert response.status_code == 200
    assert response.content.decode().count("<entry>") == len(published_editions)


def test_the_changes_page_takes_two_queries_however_many_editions(
    published_editions, anonymous_client, django_assert_num_queries
):
    # 1. The edition's latest publication, with its edition.
    # 2. The latest publication of the newest earlier published edition, with its edition.
    with django_assert_num_queries(2):
        response = anonymous_client.get(f"/updates/{published_editions[-1]}/changes/")

    assert response.status_code == 200
