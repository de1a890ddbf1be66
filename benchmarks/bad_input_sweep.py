#!/usr/bin/env python
"""Junk at a live gunicorn: no 5xx and no dropped connection, whatever arrives.

The requests of `tests/oversight/test_bad_input.py` (every URL pattern outside the admin, its
path converters filled with real and junk values, junk, null bytes and 10,000-character values
in query parameters and in every field of every form), sent over HTTP as each persona, so they
pass through gunicorn's parser too; every admin changelist with junk in each filter, impossible
dates in its date hierarchy and a bad ordering, page and search, as the secretariat; then raw requests the test client cannot make: bytes that
are not UTF-8, a raw null byte, bad percent-escapes, over-long lines and headers, a broken
multipart body, a junk Host and junk cookies.

    .venv/bin/python benchmarks/bad_input_sweep.py          # temporary SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oversight_ops_sweep .venv/bin/python benchmarks/bad_input_sweep.py

With DATABASE_URL, the database must exist and be empty or hold this project's data: the script
migrates it, loads the 2014 data and adds two users (sweep-member, sweep-secretariat).
Loopback only; it stops its server and deletes its temporary folder. Exit status 1 on any 5xx.
"""

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("PORT", "8796"))
PYTHON = sys.executable


def environment(work: Path) -> dict[str, str]:
    (work / "none.env").write_text("")
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # no TLS on loopback
        "LOG_LEVEL": "ERROR",
        "ENV_FILE": str(work / "none.env"),
        "STATIC_ROOT": str(work / "static"),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{work / 'sweep.sqlite3'}"),
        "PUBLISHED_PAGE_CACHE_SECONDS": "0",  # every request reaches its view
        "DJANGO_SETTINGS_MODULE": "oversight.settings",
    }


def prepare(env: dict[str, str]) -> None:
    for command in (
        ["migrate", "--no-input", "-v0"],
        ["load_hmic_2014"],
        ["collectstatic", "--no-input", "-v0"],
    ):
        subprocess.run(
            [PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )


def sessions() -> dict[str, str]:
    """A session cookie per persona, made in this process against the same database."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from oversight.permissions import GROUP_MEMBER, SECRETARIAT, role_groups_sync
    from reports.models import QuarterlyUpdate
    from tests.oversight.factories import OrganisationFactory

    groups = dict(zip((SECRETARIAT, GROUP_MEMBER), role_groups_sync(), strict=True))
    users = {
        "member": ("sweep-member", False, GROUP_MEMBER),
        "secretariat": ("sweep-secretariat", True, SECRETARIAT),
    }
    cookies = {"anonymous": ""}
    for persona, (username, is_staff, group) in users.items():
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": is_staff}
        )
        user.groups.add(groups[group])
        client = Client()
        client.force_login(user)
        cookies[persona] = f"sessionid={client.cookies['sessionid'].value}"
    # A draft to preview, as in the test.
    QuarterlyUpdate.objects.get_or_create(
        slug="2015-03",
        defaults={"period": "2015-03-01", "publisher": OrganisationFactory(name="Home Office")},
    )
    return cookies


def request(method: str, target: str, *, headers: dict[str, str], body: bytes = b""):
    """(status, body) of one request; the status is an error name if no response came."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in {"Host": f"127.0.0.1:{PORT}", **headers}.items():
            conn.putheader(name, value)
        if body or method == "POST":
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException) as error:
        return type(error).__name__, b""
    finally:
        conn.close()


def raw(data: bytes) -> int | str:
    """The status of a request written byte for byte."""
    with socket.create_connection(("127.0.0.1", PORT), timeout=30) as sock:
        sock.sendall(data)
        reply = b""
        while b"\r\n" not in reply:
            chunk = sock.recv(4096)
            if not chunk:
                return "closed without a response"
            reply += chunk
    return int(reply.split(b" ", 2)[1])


def sweep(cookies: dict[str, str]) -> tuple[Counter, list[str]]:
    from urllib.parse import urlencode

    from django.contrib.auth import get_user_model
    from django.middleware.csrf import _get_new_csrf_string

    from tests.oversight.test_bad_input import (
        admin_changelist_sweep,
        forms_in,
        probes_for,
        sweep_paths,
    )

    statuses: Counter = Counter()
    failures = []
    csrf = _get_new_csrf_string()

    def check(what: str, status) -> None:
        statuses[status] += 1
        if not isinstance(status, int) or status >= 500:
            failures.append(f"{status} {what}")

    for persona, session in cookies.items():
        headers = {"Cookie": f"{session}; csrftoken={csrf}".lstrip("; ")}
        for path, probed in sweep_paths().items():
            status, page = request("GET", path, headers=headers)
            check(f"{persona}: GET {path[:100]}", status)
            if not probed or status != 200:
                continue
            for probe in probes_for(path, forms_in(page.decode(errors="replace"), path)):
                if "logout" in probe.path:
                    continue
                if probe.method == "post":
                    body = urlencode([("csrfmiddlewaretoken", csrf), *probe.data]).encode()
                    form = {"Content-Type": "application/x-www-form-urlencoded"}
                    status, _ = request("POST", probe.path, headers={**headers, **form}, body=body)
                else:
                    target = f"{probe.path}?{probe.query}" if probe.query else probe.path
                    status, _ = request("GET", target, headers=headers)
                check(f"{persona}: {probe}", status)

    secretariat = get_user_model().objects.get(username="sweep-secretariat")
    headers = {"Cookie": cookies["secretariat"]}
    for target in admin_changelist_sweep(secretariat):
        status, _ = request("GET", target, headers=headers)
        check(f"secretariat: GET {target[:120]}", status)

    host = f"Host: 127.0.0.1:{PORT}\r\n".encode()
    for what, data in {
        "bytes that are not UTF-8 in the path": b"GET /updates/\xff\xfe/ HTTP/1.1\r\n",
        "not UTF-8, percent-encoded": b"GET /updates/%ff%fe/?q=%c0%af HTTP/1.1\r\n",
        "a raw null byte in the path": b"GET /updates/\x00/ HTTP/1.1\r\n",
        "a bad percent-escape": b"GET /recommendations/?q=%zz%&page=%% HTTP/1.1\r\n",
        "a 10,000-character request line": b"GET /?q=" + b"x" * 10_000 + b" HTTP/1.1\r\n",
        "an unknown method": b"BREW /updates/ HTTP/1.1\r\n",
        "HTTP/0.9-ish junk": b"\x16\x03\x01junk\r\n",
    }.items():
        rest = host + b"Connection: close\r\n\r\n" if data.endswith(b"HTTP/1.1\r\n") else b"\r\n"
        try:
            check(what, raw(data + rest))
        except OSError as error:
            check(what, type(error).__name__)

    # A body larger than the page needs is refused from its headers, before it is sent.
    declared = (
        b"POST /accounts/sign-in/ HTTP/1.1\r\n" + host + b"Content-Length: 31457280\r\n"
        b"Content-Type: multipart/form-data; boundary=x\r\nConnection: close\r\n\r\n--x\r\n"
    )
    try:
        status = raw(declared)
    except OSError as error:
        status = type(error).__name__
    check("a 30MB body declared to the sign-in page", status)
    if status != 413:
        failures.append(f"{status} (expected 413) a 30MB body declared to the sign-in page")

    for what, method, path, headers, body in [
        ("a 10,000-character header", "GET", "/", {"X-Junk": "x" * 10_000}, b""),
        ("a junk Host", "GET", "/", {"Host": "evil.example<script>"}, b""),
        ("junk cookies", "GET", "/updates/", {"Cookie": "sessionid=\x7f<>; csrftoken=%00"}, b""),
        (
            "a broken multipart body",
            "POST",
            "/accounts/password-reset/",
            {"Content-Type": "multipart/form-data; boundary=", "Cookie": f"csrftoken={csrf}"},
            b"--\r\njunk",
        ),
        (
            "a form body that is not UTF-8",
            "POST",
            "/accounts/password-reset/",
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"},
            b"csrfmiddlewaretoken=" + csrf.encode() + b"&email=%ff%fe\xff",
        ),
        (
            "a JSON body to a form",
            "POST",
            "/admin/login/",
            {"Content-Type": "application/json"},
            b"{",
        ),
    ]:
        status, _ = request(method, path, headers=headers, body=body)
        check(what, status)
    return statuses, failures


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = environment(work)
        prepare(env)
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        cookies = sessions()
        log = (work / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "oversight.wsgi", "-c", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{PORT}", "--workers", "2", "--access-logfile", "/dev/null"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            for _ in range(100):
                if request("GET", "/healthz", headers={})[0] == 200:
                    break
                time.sleep(0.2)
            started = time.monotonic()
            statuses, failures = sweep(cookies)
            elapsed = time.monotonic() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        server_log = (work / "gunicorn.log").read_text()
        # Django's 500s, and exceptions gunicorn caught itself. (A 400 for a bad Host or a broken
        # multipart body is logged with its traceback too: expected, not counted.)
        errors_logged = server_log.count("Internal Server Error") + server_log.count(
            "Error handling request"
        )
    total = sum(statuses.values())
    print(
        f"{total} requests in {elapsed:.0f} s; statuses: {dict(sorted(statuses.items(), key=str))}"
    )
    print(f"server errors logged: {errors_logged}")
    if errors_logged:
        print(server_log[-4000:], file=sys.stderr)
    for failure in failures[:40]:
        print("FAILED:", failure)
    return 1 if failures or errors_logged else 0


if __name__ == "__main__":
    sys.exit(main())
