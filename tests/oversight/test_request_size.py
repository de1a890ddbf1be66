"""Bodies larger than the page needs are refused with 413 before anything reads them."""

import asyncio
import io

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.urls import reverse

from tests.forces.factories import ActionPlanFactory
from tests.oversight.factories import MeetingFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
BOUNDARY = "sizelimitboundary"


def multipart(size: int) -> bytes:
    """A multipart body of about `size` bytes: one file part full of zeros."""
    head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="document"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return head + bytes(size) + f"\r\n--{BOUNDARY}--\r\n".encode()


@pytest.fixture(autouse=True)
def upload_folders(settings, tmp_path):
    """Where Django would spool a large upload, and where it would keep it: both watched."""
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "spool"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    settings.MEDIA_ROOT.mkdir()
    return settings.FILE_UPLOAD_TEMP_DIR, settings.MEDIA_ROOT


def post(client, path: str, body: bytes):
    return client.post(
        path, body, content_type=f"multipart/form-data; boundary={BOUNDARY}", secure=True
    )


def assert_refused_unread(response, upload_folders) -> None:
    assert response.status_code == 413
    assert not response.wsgi_request.environ["wsgi.input"].read_started
    assert all(not any(folder.iterdir()) for folder in upload_folders)


def test_a_30mb_upload_to_the_sign_in_page_is_refused_unread(anonymous_client, upload_folders):
    response = post(anonymous_client, reverse("sign-in"), multipart(30 * MB))

    assert_refused_unread(response, upload_folders)
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sorry, what you sent is too large</h1>' in page
    assert "smaller than 20MB" in page
    # The unread body must not be taken for the next request on the same connection.
    assert response["Connection"] == "close"
    # The security headers wrap the refusal too.
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/sign-in/",
        "/accounts/password-reset/",
        "/admin/login/",
        "/forces/plans/1/review/",
        "/admin/reports/quarterlyupdate/add/",  # an admin page that takes no document
        "/no/such/page/",
    ],
)
def test_everywhere_but_the_upload_pages_more_than_a_megabyte_is_refused(
    member_client, upload_folders, path
):
    response = post(member_client, path, multipart(MB + 1))

    assert_refused_unread(response, upload_folders)


def test_a_form_under_the_small_limit_still_arrives(anonymous_client, settings):
    response = anonymous_client.post(
        reverse("sign-in"), {"username": "x" * 1000, "password": "y" * (MB // 2)}, secure=True
    )

    assert response.status_code == 200  # the form again, with its error: it was read


def test_the_small_limit_is_a_setting(anonymous_client, settings, upload_folders):
    settings.MAX_REQUEST_BYTES = 1000

    response = anonymous_client.post(reverse("sign-in"), {"username": "x" * 2000}, secure=True)

    assert response.status_code == 413


def upload_pages() -> dict[str, str]:
    plan = ActionPlanFactory()
    meeting = MeetingFactory()
    return {
        "action plan add": reverse("admin:forces_actionplan_add"),
        "action plan change": reverse("admin:forces_actionplan_change", args=[plan.pk]),
        "meeting paper add": reverse("admin:oversight_meetingpaper_add"),
        "force, with its plans inline": reverse("admin:forces_force_change", args=[plan.force_id]),
        "meeting, with its papers inline": reverse(
            "admin:oversight_meeting_change", args=[meeting.pk]
        ),
    }


def test_the_pages_that_take_documents_accept_a_20mb_one(secretariat_client, upload_folders):
    for what, path in upload_pages().items():
        response = post(secretariat_client, path, multipart(20 * MB))

        # Read, and refused by the form (the other fields are missing), not by the size limit.
        assert response.status_code == 200, what
        assert response.wsgi_request.environ["wsgi.input"].read_started, what


def test_the_pages_that_take_documents_refuse_more_than_a_document_and_its_form(
    secretariat_client, upload_folders
):
    for what, path in upload_pages().items():
        response = post(secretariat_client, path, multipart(22 * MB))

        assert response.status_code == 413, what
        assert not response.wsgi_request.environ["wsgi.input"].read_started, what


class WatchedStream(io.BytesIO):
    """A request body that records how much of it was read."""

    bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = super().readline(size)
        self.bytes_read += len(data)
        return data


def test_a_chunked_body_without_a_length_is_never_read(upload_folders):
    """gunicorn hands Django a chunked body with no CONTENT_LENGTH: Django reads none of it."""
    body = WatchedStream(multipart(30 * MB))
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/accounts/sign-in/",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "443",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "https",
        "wsgi.input": body,
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "HTTP_TRANSFER_ENCODING": "chunked",
    }
    statuses = []

    response = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    b"".join(response)

    assert body.bytes_read == 0
    assert statuses[0].split()[0] in ("200", "403")  # the form, or CSRF refusing an empty POST
    assert all(not any(folder.iterdir()) for folder in upload_folders)


# --- Under ASGI, where Django reads the whole body before any middleware -----------------


def asgi_post(path: str, chunks: list[bytes], *, content_length: int | None) -> tuple[int, int]:
    """(status, bytes the application pulled) for a POST through oversight.asgi."""
    from asgiref.sync import async_to_sync

    from oversight.asgi import application

    headers = [(b"host", b"127.0.0.1"), (b"content-type", b"multipart/form-data; boundary=x")]
    if content_length is not None:
        headers.append((b"content-length", str(content_length).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 443),
    }
    pending = list(chunks)
    pulled = 0
    sent = []

    async def receive() -> dict:
        nonlocal pulled
        if not pending:
            await asyncio.Future()  # the client stays connected until the response
        chunk = pending.pop(0)
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

    async def send(message: dict) -> None:
        sent.append(message)

    async_to_sync(application)(scope, receive, send)
    return sent[0]["status"], pulled


def test_under_asgi_a_declared_30mb_body_is_refused_unread(upload_folders):
    chunks = [bytes(MB)] * 30

    status, pulled = asgi_post("/accounts/sign-in/", chunks, content_length=30 * MB)

    assert (status, pulled) == (413, 0)


def test_under_asgi_a_chunked_body_is_cut_short_at_the_limit(upload_folders):
    chunks = [bytes(256 * 1024)] * 120  # 30MB, without a Content-Length

    status, pulled = asgi_post("/accounts/sign-in/", chunks, content_length=None)

    assert status == 413
    assert pulled <= MB + 256 * 1024  # read up to the 1 MB limit, and not a chunk more
    assert all(not any(folder.iterdir()) for folder in upload_folders)


def test_under_asgi_a_small_body_still_arrives(upload_folders):
    body = b"--x--\r\n"

    status, pulled = asgi_post("/accounts/sign-in/", [body], content_length=len(body))

    assert status == 403  # read, and refused for want of a CSRF token: not a 413
    assert pulled == len(body)
