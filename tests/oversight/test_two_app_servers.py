"""Two app servers behind one address, as behind a load balancer: two real gunicorn instances
(gunicorn.conf.py) on two free ports, one PostgreSQL test database, one SeaweedFS object store.

Each request below is sent to one server or the other with the same Host and the
X-Forwarded-Proto a TLS-terminating load balancer sends, so nothing ties a visitor to the
server that first saw them: what one server writes (a file, a session, a failed sign-in, a
publication) the other must see. Slow (about half a minute): deselect with `-m "not slow"`.
"""

import http.client
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from io import StringIO
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from oversight.models import MeetingPaper
from oversight.permissions import GROUP_MEMBER, SECRETARIAT, role_groups_sync
from reports.models import Publication
from tests.documents import MINIMAL_PDF
from tests.object_storage import stored_bytes, stored_keys
from tests.oversight.factories import MeetingFactory, StaffUserFactory, UserFactory
from tests.reports.publishing import publish_for_test

pytestmark = [
    pytest.mark.slow,
    pytest.mark.object_storage,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs a database two processes share"
    ),
    pytest.mark.django_db(transaction=True),
]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HOST = "oversight.test"  # the load balancer's address, the same whichever server answers
PASSWORD = "correct horse battery staple"
PAGE_CACHE_SECONDS = 3


def database_url() -> str:
    database = django_settings.DATABASES["default"]
    credentials = quote(database["USER"], safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = database["HOST"] or "localhost"
    return f"postgres://{credentials}@{host}:{database['PORT'] or 5432}/{database['NAME']}"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Visitor:
    """A browser's cookies, sent to whichever server the load balancer picks."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        server: int,
        method: str,
        path: str,
        body: bytes | None = None,
        content_type: str | None = None,
    ) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", server, timeout=30)
        headers = {"Host": HOST, "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Origin"] = f"https://{HOST}"
            headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            response = Response(raw.status, dict(raw.getheaders()), raw.read())
            for value in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
        finally:
            conn.close()
        return response

    def get(self, server: int, path: str) -> Response:
        return self.request(server, "GET", path)

    def csrf_token(self, server: int, path: str) -> str:
        page = self.get(server, path)
        assert page.status == 200, (path, page.status)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    def sign_in(self, server: int, username: str, password: str) -> Response:
        token = self.csrf_token(server, "/accounts/sign-in/")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": token}
        return self.request(server, "POST", "/accounts/sign-in/", urlencode(form).encode())

    def post_multipart(self, server: int, path: str, fields: dict, files: dict) -> Response:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, content) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(server, "POST", path, body, f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def app_servers(file_storage, redis_server, tmp_path) -> Iterator[tuple[int, int]]:
    """Two gunicorn instances with production settings, sharing the database, the store and
    the cache (sessions are read from Redis in front of the database)."""
    env = {
        **os.environ,
        **file_storage.settings(),
        "CACHE_URL": redis_server,
        "ENV_FILE": "/dev/null",
        "DEBUG": "false",
        "SECRET_KEY": "two-app-servers-test-only-the-same-on-both",
        "DATABASE_URL": database_url(),
        "ALLOWED_HOSTS": HOST,
        "BEHIND_TLS_PROXY": "true",
        "TWO_FACTOR_REQUIRED": "false",
        "TASKS_BACKEND": "database",
        "PUBLISHED_PAGE_CACHE_SECONDS": str(PAGE_CACHE_SECONDS),
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "STATIC_ROOT": str(tmp_path / "static"),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    ports = (free_port(), free_port())
    servers = []
    for number, port in enumerate(ports, start=1):
        log = (tmp_path / f"gunicorn{number}.log").open("w")
        command = [sys.executable, "-m", "gunicorn", "oversight.wsgi", "-c", "gunicorn.conf.py"]
        servers.append(
            subprocess.Popen(
                [*command, "--bind", f"127.0.0.1:{port}"],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    try:
        for port, server in zip(ports, servers, strict=True):
            deadline = time.monotonic() + 30
            while True:
                try:
                    if Visitor().get(port, "/healthz").status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    logs = "\n".join(p.read_text()[-2000:] for p in tmp_path.glob("gunicorn*.log"))
                    pytest.fail(f"gunicorn on {port} did not answer:\n{logs}")
                time.sleep(0.2)
        yield ports
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


@pytest.fixture
def people(transactional_db) -> dict:
    """A secretariat member and a group member, with real (PBKDF2) passwords: the servers run
    the production hashers, not the tests' fast one."""
    secretariat, member = role_groups_sync()
    staff = StaffUserFactory(username="secretariat-staff", password="!")
    staff.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    staff.save()
    staff.groups.add(secretariat)
    person = UserFactory(username="group-member", password="!")
    person.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    person.save()
    person.groups.add(member)
    assert (secretariat.name, member.name) == (SECRETARIAT, GROUP_MEMBER)
    return {"staff": staff, "member": person}


def test_a_document_uploaded_through_one_server_downloads_through_the_other(
    app_servers, people, file_storage
):
    one, other = app_servers
    meeting = MeetingFactory()
    staff = Visitor()
    assert staff.sign_in(one, "secretariat-staff", PASSWORD).status == 302

    token = staff.csrf_token(one, reverse("admin:oversight_meetingpaper_add"))
    response = staff.post_multipart(
        one,
        reverse("admin:oversight_meetingpaper_add"),
        {
            "csrfmiddlewaretoken": token,
            "meeting": meeting.pk,
            "position": 0,
            "title": "Minutes",
        },
        {"document": ("minutes.pdf", MINIMAL_PDF)},
    )
    assert response.status == 302, response.text[-3000:]

    paper = MeetingPaper.objects.get()
    assert stored_keys(file_storage) == [paper.document.name]  # in the shared store
    assert stored_bytes(file_storage, paper.document.name) == MINIMAL_PDF
    # The same session, on the other server, downloads it.
    download = staff.get(other, reverse("meeting-paper-document", args=[paper.pk]))
    assert download.status == 200
    assert download.body == MINIMAL_PDF
    assert download.headers["Cache-Control"] == "private, no-store"
    # Someone not signed in is sent to sign in there, as on the first.
    assert Visitor().get(other, reverse("meeting-paper-document", args=[paper.pk])).status == 302


def test_a_session_made_on_one_server_is_valid_on_the_other(app_servers, people):
    one, other = app_servers
    member = Visitor()

    assert member.sign_in(one, "group-member", PASSWORD).status == 302

    assert member.get(other, reverse("forces:plan-list")).status == 200
    assert Visitor().get(other, reverse("forces:plan-list")).status == 302
    # Signing out on the other server ends the session on both.
    token = member.csrf_token(other, reverse("forces:plan-list"))
    signed_out = member.request(
        other,
        "POST",
        reverse("sign-out"),
        urlencode({"csrfmiddlewaretoken": token}).encode(),
    )
    assert signed_out.status == 302
    assert member.get(one, reverse("forces:plan-list")).status == 302


def test_a_member_taken_out_of_the_group_is_refused_by_both_servers_at_once(app_servers, people):
    one, other = app_servers
    member = Visitor()
    assert member.sign_in(one, "group-member", PASSWORD).status == 302
    for server in (one, other, one, other):  # each worker has loaded and kept the login
        assert member.get(server, reverse("forces:plan-list")).status == 200

    people["member"].groups.clear()  # as the secretariat does in the admin, on a third server

    assert member.get(one, reverse("forces:plan-list")).status == 403
    assert member.get(other, reverse("forces:plan-list")).status == 403


def test_failed_sign_ins_count_across_both_servers(app_servers, people):
    one, other = app_servers
    attacker = Visitor()

    for server in (one, other, one, other):
        assert attacker.sign_in(server, "group-member", "wrong").status == 200

    # The fifth failure, two on each server before it, locks the username on both.
    assert attacker.sign_in(one, "group-member", "wrong").status == 429
    assert attacker.sign_in(other, "group-member", PASSWORD).status == 429
    assert Visitor().sign_in(one, "group-member", PASSWORD).status == 429


def test_an_edition_published_is_served_by_both_servers_within_the_page_cache_lifetime(
    app_servers, people
):
    one, other = app_servers
    call_command("load_hmic_2014", stdout=StringIO())
    visitor = Visitor()
    for server in (one, other):  # each keeps the page in its own memory for a few seconds
        page = visitor.get(server, "/updates/2014-12/")
        assert page.status == 200
        assert "Corrected the date of the second meeting" not in page.text

    # A correction, published (as the admin on either server would) into the shared database.
    from reports.services import edition_correction_start

    edition = Publication.objects.get().edition
    edition_correction_start(edition=edition, started_by=people["staff"])
    publish_for_test(edition, change_note="Corrected the date of the second meeting.")
    published = time.monotonic()

    seen = {}
    while len(seen) < 2 and time.monotonic() - published < PAGE_CACHE_SECONDS + 2:
        for server in (one, other):
            if server not in seen and "Corrected the date of the second meeting" in (
                visitor.get(server, "/updates/2014-12/").text
            ):
                seen[server] = time.monotonic() - published
        time.sleep(0.2)
    assert sorted(seen) == sorted((one, other)), seen
    assert max(seen.values()) <= PAGE_CACHE_SECONDS + 1
