"""Pages are sent compressed where that is safe: published pages from bodies compressed once.

BREACH: a response holding a CSRF token or a session's data is never compressed.
"""

import gzip
import io

import brotli
import pytest
from django.core.management import call_command

from oversight.compression import encoding_choose
from reports.middleware import published_page_cache_clear
from reports.models import CompressedPage, Publication

pytestmark = pytest.mark.django_db

EDITION_URL = "/updates/2014-12/"


@pytest.fixture
def loaded_2014(db) -> Publication:
    """The December 2014 edition, published by the loader (which compresses its page)."""
    call_command("load_hmic_2014", stdout=io.StringIO())
    return Publication.objects.get(edition__slug="2014-12")


@pytest.fixture
def page_cache(settings):
    settings.PUBLISHED_PAGE_CACHE_SECONDS = 10
    published_page_cache_clear()
    yield
    published_page_cache_clear()


def decoded(response) -> bytes:
    coding = response.get("Content-Encoding")
    if coding == "br":
        return brotli.decompress(response.content)
    if coding == "gzip":
        return gzip.decompress(response.content)
    assert coding is None
    return response.content


def vary(response) -> set[str]:
    return {name.strip().lower() for name in response.get("Vary", "").split(",") if name}


def test_publishing_compresses_the_page_once_as_it_is_served(loaded_2014, anonymous_client):
    stored = CompressedPage.objects.get()
    page = anonymous_client.get(EDITION_URL).content

    assert stored.publication == loaded_2014
    assert gzip.decompress(bytes(stored.gzip)) == page
    assert brotli.decompress(bytes(stored.brotli)) == page


@pytest.mark.parametrize(
    ("accept_encoding", "coding"),
    [
        ("gzip, deflate, br, zstd", "br"),  # what Chrome sends
        ("gzip, deflate", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0.5, br;q=0.4", "gzip"),
        ("identity", None),
        ("", None),
    ],
)
def test_the_published_page_is_sent_in_the_coding_the_client_prefers(
    loaded_2014, anonymous_client, accept_encoding, coding
):
    plain = anonymous_client.get(EDITION_URL)

    response = anonymous_client.get(EDITION_URL, headers={"accept-encoding": accept_encoding})

    assert response.get("Content-Encoding") == coding
    assert "accept-encoding" in vary(response)
    assert decoded(response) == plain.content
    assert int(response["Content-Length"]) == len(response.content)
    if coding:
        stored = CompressedPage.objects.get()
        assert response.content == bytes(stored.brotli if coding == "br" else stored.gzip)
        assert len(response.content) < len(plain.content) / 3
        assert response["ETag"] == f"W/{plain['ETag']}"


def test_a_compressed_published_page_costs_one_query_more_however_long(
    loaded_2014, anonymous_client, django_assert_num_queries
):
    # 1. The edition's publications; 2. the page's stored compressed bodies.
    with django_assert_num_queries(2):
        response = anonymous_client.get(EDITION_URL, headers={"accept-encoding": "br"})

    assert response["Content-Encoding"] == "br"


def test_a_publication_from_before_compression_is_compressed_on_first_request_and_kept(
    loaded_2014, anonymous_client
):
    CompressedPage.objects.all().delete()  # as if published before the table existed

    first = anonymous_client.get(EDITION_URL, headers={"accept-encoding": "gzip"})
    second = anonymous_client.get(EDITION_URL, headers={"accept-encoding": "gzip"})

    assert first["Content-Encoding"] == "gzip"
    assert second.content == first.content
    assert CompressedPage.objects.count() == 1
    assert Publication.objects.get() == loaded_2014  # the publication itself is untouched


def test_an_earlier_revisions_page_is_compressed_too(loaded_2014, anonymous_client):
    plain = anonymous_client.get(f"{EDITION_URL}revisions/1/")

    response = anonymous_client.get(f"{EDITION_URL}revisions/1/", headers={"accept-encoding": "br"})

    assert response["Content-Encoding"] == "br"
    assert decoded(response) == plain.content
    assert "earlier version" in plain.content.decode()


def test_the_page_cache_serves_each_client_its_own_coding_from_memory(
    page_cache, loaded_2014, anonymous_client, django_assert_num_queries
):
    plain = anonymous_client.get(EDITION_URL, headers={"accept-encoding": "br"})

    with django_assert_num_queries(0):
        as_gzip = anonymous_client.get(EDITION_URL, headers={"accept-encoding": "gzip"})
        as_brotli = anonymous_client.get(EDITION_URL, headers={"accept-encoding": "br"})
        not_modified = anonymous_client.get(
            EDITION_URL, headers={"accept-encoding": "gzip", "if-none-match": as_gzip["ETag"]}
        )

    assert as_gzip["Content-Encoding"] == "gzip"
    assert as_brotli["Content-Encoding"] == "br"
    assert gzip.decompress(as_gzip.content) == brotli.decompress(plain.content)
    assert "accept-encoding" in vary(as_gzip)
    assert not_modified.status_code == 304


def test_a_coding_the_page_cache_has_not_kept_yet_is_made_and_kept(
    page_cache, loaded_2014, anonymous_client, django_assert_num_queries
):
    plain = anonymous_client.get(EDITION_URL)  # kept plain only: no coding was asked for

    # 1. The edition's publications; 2. the page's stored compressed bodies.
    with django_assert_num_queries(2):
        as_brotli = anonymous_client.get(EDITION_URL, headers={"accept-encoding": "br"})
    with django_assert_num_queries(0):
        again = anonymous_client.get(EDITION_URL, headers={"accept-encoding": "gzip"})
        plain_again = anonymous_client.get(EDITION_URL)

    assert brotli.decompress(as_brotli.content) == plain.content
    assert again["Content-Encoding"] == "gzip"
    assert plain_again.content == plain.content
    assert "Content-Encoding" not in plain_again


def test_public_pages_are_compressed_on_the_way_out(loaded_2014, anonymous_client):
    plain = anonymous_client.get("/recommendations/")

    response = anonymous_client.get("/recommendations/", headers={"accept-encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert "accept-encoding" in vary(response)
    assert gzip.decompress(response.content) == plain.content


def test_a_form_with_a_csrf_token_is_never_compressed(loaded_2014, anonymous_client):
    response = anonymous_client.get("/accounts/sign-in/", headers={"accept-encoding": "gzip, br"})

    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert "Content-Encoding" not in response


def test_a_signed_in_members_page_is_never_compressed(loaded_2014, member_client):
    response = member_client.get("/members/", headers={"accept-encoding": "gzip, br"})

    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_a_draft_preview_which_reads_the_session_is_never_compressed(
    loaded_2014, secretariat_client
):
    response = secretariat_client.get(f"{EDITION_URL}preview/", headers={"accept-encoding": "br"})

    assert response.status_code == 200
    assert "Content-Encoding" not in response


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("br, gzip", "br"),
        ("gzip", "gzip"),
        ("*", "br"),
        ("*;q=0.1, gzip;q=0.5", "gzip"),
        ("br;q=0, gzip;q=0", None),
        ("compress, deflate", None),
        ("gzip;q=nonsense, br", "br"),
    ],
)
def test_the_coding_is_chosen_by_quality(header, expected):
    assert encoding_choose(header) == expected
