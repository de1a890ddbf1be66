"""Tests against a real Redis, never a mock: the cache app servers share (CACHE_URL).

Loaded by tests/conftest.py. `redis_server` starts one `redis-server` (Debian's package, which
`make packages` installs) per pytest-xdist worker on a free port, keeping nothing on disk, only
if some test of that worker needs it, and stops it at the end of the session. `shared_cache`
points Django's cache at it, and the sessions in front of the database (`oversight.sessions`),
as production does with CACHE_URL set; the cache is emptied after each test.
"""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis

from tests.object_storage import object_store_script

free_port = object_store_script.free_port


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """A Redis for this pytest-xdist worker; its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is missing: `make packages` installs it")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail(f"redis-server on {port} did not answer")
            time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def shared_cache(redis_server: str, settings) -> Iterator[str]:
    """Django's cache in the real Redis, and the sessions read from it (`oversight.sessions`)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server,
        }
    }
    settings.SESSION_ENGINE = "oversight.sessions"
    try:
        yield redis_server
    finally:
        redis.Redis.from_url(redis_server).flushdb()  # whatever the test pointed Django at
