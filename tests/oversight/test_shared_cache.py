"""With a shared cache (CACHE_URL, a real Redis here), sessions are read from it in front of
the database (`oversight.sessions`): a signed-in request asks the database for no session,
signing out still ends the session everywhere, and a cache that does not answer costs speed,
never a session or an error page."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.oversight.fresh_process import settings_in_a_fresh_process
from tests.shared_cache import free_port

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_cache", "sign_ins_kept")]

PLANS = "/forces/plans/"


def signed_in_client(user) -> Client:
    client = Client()  # made after the settings change: its session middleware reads them
    client.force_login(user)
    return client


def test_a_signed_in_request_reads_its_session_from_the_cache(member_user):
    client = signed_in_client(member_user)
    assert client.get(PLANS).status_code == 200  # loads and keeps the login
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PLANS).status_code == 200
    statements = [query["sql"] for query in queries]
    assert not any("django_session" in sql for sql in statements), statements
    # The database stays the record: the session is there too, for a cache that restarts.
    assert Session.objects.filter(session_key=client.session.session_key).exists()


def test_signing_out_ends_the_session_in_the_cache_and_the_database(member_user):
    client = signed_in_client(member_user)
    assert client.get(PLANS).status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post(resolve_url("sign-out")).status_code == 302

    same_cookie = Client()
    same_cookie.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = same_cookie.get(PLANS)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert not Session.objects.filter(session_key=cookie).exists()


def test_a_session_survives_the_cache_being_emptied(member_user):
    from django.core.cache import cache

    client = signed_in_client(member_user)
    cache.clear()  # Redis restarted, or the key evicted
    assert client.get(PLANS).status_code == 200


def test_a_session_is_read_from_the_cache_for_at_most_five_minutes(member_user, shared_cache):
    import redis

    client = signed_in_client(member_user)
    client.get(PLANS)
    keys = redis.Redis.from_url(shared_cache).keys("*cached_db*")
    assert keys
    ttl = redis.Redis.from_url(shared_cache).ttl(keys[0])
    assert 0 < ttl <= settings.SESSION_CACHE_SECONDS == 300


@pytest.fixture
def unreachable_cache(shared_cache, settings):
    """The cache at an address where no Redis answers (a real client, refused); after
    `shared_cache`, whose settings it replaces."""
    port = free_port()  # nothing listens there
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.mark.usefixtures("unreachable_cache")
def test_with_the_cache_down_members_sign_in_use_the_pages_and_sign_out(member_user):
    client = Client()
    client.force_login(member_user)  # saved to the database; the cache's refusal is logged
    assert client.get(PLANS).status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=cookie).exists()

    assert client.post(resolve_url("sign-out")).status_code == 302
    assert not Session.objects.filter(session_key=cookie).exists()
    same_cookie = Client()
    same_cookie.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert same_cookie.get(PLANS).status_code == 302


PRINT_CACHE = (
    "from django.conf import settings; "
    "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)"
)


def test_cache_url_gives_redis_and_sessions_in_front_of_the_database(tmp_path, shared_cache):
    result = settings_in_a_fresh_process(
        tmp_path, PRINT_CACHE, {"CACHE_URL"}, DEBUG="true", CACHE_URL=shared_cache
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "oversight.sessions",
    ]


def test_without_cache_url_each_worker_caches_alone_and_sessions_stay_in_the_database(tmp_path):
    result = settings_in_a_fresh_process(tmp_path, PRINT_CACHE, {"CACHE_URL"}, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
    ]
