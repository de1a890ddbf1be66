import pytest
from django.contrib.auth.models import Group
from django.test import Client, override_settings

from oversight.permissions import CHAIRS_OFFICE, GROUP_MEMBER, SECRETARIAT, role_groups_sync
from oversight.personal_pages import PERSONAL_PAGES
from oversight.signed_in import KEPT_SIGN_INS
from tests.oversight.factories import StaffUserFactory, UserFactory

# `file_storage`: default storage in a real SeaweedFS, for tests marked `object_storage`.
# `shared_cache`: the cache and the sessions in a real Redis (CACHE_URL in production).
pytest_plugins = ["tests.object_storage", "tests.shared_cache"]


@pytest.fixture
def role_groups(db):
    groups = dict(zip((SECRETARIAT, GROUP_MEMBER), role_groups_sync(), strict=True))
    return {**groups, CHAIRS_OFFICE: Group.objects.get(name=CHAIRS_OFFICE)}


@pytest.fixture
def chairs_office_user(role_groups):
    """Approves editions the secretariat marked ready: the second pair of eyes."""
    user = StaffUserFactory(username="chairs-office")
    user.groups.add(role_groups[CHAIRS_OFFICE])
    return user


@pytest.fixture
def chairs_office_client(chairs_office_user) -> Client:
    client = Client()
    client.force_login(chairs_office_user)
    return client


@pytest.fixture
def secretariat_user(role_groups):
    user = StaffUserFactory(username="secretariat-staff")
    user.groups.add(role_groups[SECRETARIAT])
    return user


@pytest.fixture
def member_user(role_groups):
    user = UserFactory(username="group-member")
    user.groups.add(role_groups[GROUP_MEMBER])
    return user


@pytest.fixture
def other_member(role_groups):
    """A second group member, for proving one member cannot reach another's work."""
    user = UserFactory(username="other-group-member")
    user.groups.add(role_groups[GROUP_MEMBER])
    return user


@pytest.fixture
def anonymous_client() -> Client:
    return Client()


@pytest.fixture
def secretariat_client(secretariat_user) -> Client:
    client = Client()
    client.force_login(secretariat_user)
    return client


@pytest.fixture
def member_client(member_user) -> Client:
    client = Client()
    client.force_login(member_user)
    return client


@pytest.fixture
def other_member_client(other_member) -> Client:
    client = Client()
    client.force_login(other_member)
    return client


@pytest.fixture(scope="session", autouse=True)
def plain_static_storage():
    """Serve static files unhashed: the hashed manifest exists only after collectstatic.

    Session-wide, so module-scoped fixtures that publish (publishing renders the page, to
    compress it once) get it too.
    """
    from django.conf import settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture(autouse=True)
def no_published_page_cache(settings):
    """Every request reaches its view, so tests see what the view does now."""
    settings.PUBLISHED_PAGE_CACHE_SECONDS = 0
    settings.PUBLICATION_PAGES_KEPT = 0
    settings.SEARCH_PAGES_KEPT = 0
    settings.PERSONAL_PAGES_KEPT = 0
    settings.SIGNED_IN_KEPT = 0


@pytest.fixture
def sign_ins_kept(settings):
    """Signed-in logins kept by the worker, as in production (oversight/signed_in.py)."""
    settings.SIGNED_IN_KEPT = 1000
    KEPT_SIGN_INS.clear()
    yield
    KEPT_SIGN_INS.clear()


@pytest.fixture
def pages_kept(settings):
    """Signed-in pages kept per person, as in production (the other tests make them every time)."""
    settings.PERSONAL_PAGES_KEPT = 200
    PERSONAL_PAGES.clear()
    yield
    PERSONAL_PAGES.clear()


@pytest.fixture(scope="session", autouse=True)
def plain_http_allowed():
    """The test client and live_server speak plain HTTP; tests of the redirect switch it on.

    Session-wide, so module-scoped fixtures that make requests get it too.
    """
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Factories' passwords hashed in microseconds: PBKDF2's million rounds take 1.7 seconds
    on a CI machine, once per user made. The real hasher stays listed, so its hashes verify,
    and the passphrase test switches back to it."""
    with override_settings(
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ]
    ):
        yield


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """PostgreSQL: the flush after each transactional test may empty the publication tables.

    Migration reports 0004 refuses TRUNCATE on them unless the session sets
    `oversight.allow_truncate`; the test database's connections do, and nothing else should.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c oversight.allow_truncate=on".strip()


@pytest.fixture(autouse=True)
def two_factor_not_required(settings):
    """Tests run with DEBUG off, where two-factor is required for staff by default. Sessions
    made with force_login have passed no second factor, so it is off unless a test (of
    two-factor: tests/oversight/test_two_factor.py) switches it on."""
    settings.TWO_FACTOR_REQUIRED = False


@pytest.fixture
def steady_session(monkeypatch, settings):
    """Requests in a query-count test never rewrite the session's last-activity time.

    The idle timeout refreshes it at most once a minute, so on a slow machine a count taken
    after making many rows would otherwise include the session's UPDATE.
    """
    from oversight import accounts

    monkeypatch.setattr(accounts, "LAST_ACTIVITY_RESOLUTION_SECONDS", 24 * 3600)
    settings.STAFF_IDLE_TIMEOUT_SECONDS = 24 * 3600
