"""gunicorn.conf.py does what docs/operations.md says: access log on standard output,
gunicorn's messages on standard error, worker heartbeat files in /dev/shm."""

import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONFIG = PROJECT_ROOT / "gunicorn.conf.py"
SHARED_MEMORY = Path("/dev/shm")  # noqa: S108


def config(**environ: str) -> dict:
    """The config module's values, read as gunicorn reads them, under the given environment."""
    saved = dict(os.environ)
    os.environ.update(environ)
    try:
        return runpy.run_path(str(CONFIG))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_logs_go_to_standard_output_and_error() -> None:
    values = config()
    assert values["accesslog"] == "-"
    assert values["errorlog"] == "-"
    assert values["loglevel"] == "info"
    assert config(GUNICORN_LOG_LEVEL="warning")["loglevel"] == "warning"


@pytest.mark.skipif(not SHARED_MEMORY.is_dir(), reason="no /dev/shm on this system")
def test_heartbeat_files_live_in_memory() -> None:
    assert config()["worker_tmp_dir"] == str(SHARED_MEMORY)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worker_open_files(master_pid: int) -> list[str]:
    """What the master's workers hold open (Linux /proc): their heartbeat files among them."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    targets = []
    for pid in children:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                targets.append(os.readlink(fd))
            except OSError:
                continue
    return targets


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_a_real_gunicorn_logs_each_request_and_keeps_heartbeats_in_dev_shm(tmp_path) -> None:
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    port = free_port()
    env = {
        **os.environ,
        "ENV_FILE": str(env_file),
        "DEBUG": "false",
        "SECRET_KEY": "gunicorn-config-test-only",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "WEB_CONCURRENCY": "1",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "oversight.wsgi",
            "-c",
            str(CONFIG),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # 503: the database has no tables yet, but gunicorn answered
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    server.kill()
                    pytest.fail(f"gunicorn did not answer:\n{server.communicate()[1][-3000:]}")
                time.sleep(0.2)
        heartbeats = [t for t in worker_open_files(server.pid) if t.startswith(f"{SHARED_MEMORY}/")]
        assert heartbeats, "no worker holds a heartbeat file in /dev/shm"
    finally:
        server.send_signal(signal.SIGTERM)
        stdout, stderr = server.communicate(timeout=40)
    assert '"GET /healthz HTTP/1.1"' in stdout  # the access log, on standard output
    assert "Booting worker" in stderr  # gunicorn's own messages, on standard error
