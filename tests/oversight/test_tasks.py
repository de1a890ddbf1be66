"""Background jobs: which backend runs them, and a job whose worker dies is run again, once."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from oversight import accounts, mail, tasks
from oversight.models import OutgoingEmail, TaskWorker
from tests.oversight.smtp import smtp_server

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
IMMEDIATE_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"


# ---- Which backend -------------------------------------------------------------------------


def tasks_backend_in_a_fresh_process(
    tmp_path: Path, **environment: str
) -> subprocess.CompletedProcess:
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")
    clean = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SECRET_KEY", "DEBUG", "TASKS_BACKEND"}
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.TASKS['default']['BACKEND'])",
        ],
        cwd=PROJECT_ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "oversight.settings",
            "ENV_FILE": str(empty_env_file),
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("environment", "backend"),
    [
        ({"DEBUG": "true"}, IMMEDIATE_BACKEND),  # `make run`: no worker needed
        ({"DEBUG": "false", "SECRET_KEY": "x"}, DATABASE_BACKEND),
        ({"DEBUG": "true", "TASKS_BACKEND": "database"}, DATABASE_BACKEND),
        ({"DEBUG": "false", "SECRET_KEY": "x", "TASKS_BACKEND": "immediate"}, IMMEDIATE_BACKEND),
    ],
)
def test_jobs_run_at_once_in_local_development_and_by_a_worker_otherwise(
    tmp_path, environment, backend
):
    result = tasks_backend_in_a_fresh_process(tmp_path, **environment)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == backend


def test_an_unknown_tasks_backend_refuses_to_start(tmp_path):
    result = tasks_backend_in_a_fresh_process(tmp_path, DEBUG="true", TASKS_BACKEND="celery")

    assert result.returncode != 0
    assert "TASKS_BACKEND is 'celery'; use one of database, immediate." in result.stderr


def test_check_deploy_warns_when_jobs_would_run_inside_requests(settings):
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE_BACKEND}}
    assert [m.id for m in accounts.check_tasks_backend(None)] == ["oversight.W010"]

    settings.TASKS = {"default": {"BACKEND": DATABASE_BACKEND}}
    assert accounts.check_tasks_backend(None) == []


# ---- Jobs of a worker that died ------------------------------------------------------------


def running_job(*, worker_ids: list[str], started_minutes_ago: float) -> DBTaskResult:
    email, _ = mail.email_queue(
        idempotency_key=f"lost:{worker_ids}:{started_minutes_ago}",
        to=["a@example.org"],
        subject="S",
        body="B",
    )
    job = DBTaskResult.objects.get(args_kwargs__kwargs__email_id=email.pk)
    job.status = TaskResultStatus.RUNNING
    job.worker_ids = worker_ids
    job.started_at = timezone.now() - timedelta(minutes=started_minutes_ago)
    job.save()
    return job


@pytest.mark.django_db
def test_a_job_whose_worker_stopped_beating_is_queued_again(settings):
    settings.TASKS_WORKER_LOST_AFTER_SECONDS = 60
    TaskWorker.objects.create(worker_id="alive", last_seen_at=timezone.now())
    TaskWorker.objects.create(worker_id="dead", last_seen_at=timezone.now() - timedelta(minutes=5))
    lost = running_job(worker_ids=["dead"], started_minutes_ago=5)
    busy = running_job(worker_ids=["alive"], started_minutes_ago=5)
    just_started = running_job(worker_ids=["unknown"], started_minutes_ago=0)

    assert tasks.requeue_lost_tasks() == (1, 0)

    statuses = {j.pk: j.status for j in DBTaskResult.objects.all()}
    assert statuses[lost.pk] == TaskResultStatus.READY
    assert statuses[busy.pk] == TaskResultStatus.RUNNING
    assert statuses[just_started.pk] == TaskResultStatus.RUNNING
    assert list(TaskWorker.objects.values_list("worker_id", flat=True)) == ["alive"]


@pytest.mark.django_db
def test_a_job_lost_three_times_fails_instead_of_killing_workers_for_ever():
    job = running_job(worker_ids=["w1", "w2", "w3"], started_minutes_ago=10)

    assert tasks.requeue_lost_tasks() == (0, 1)

    job.refresh_from_db()
    assert job.status == TaskResultStatus.FAILED
    assert job.exception_class_path == "oversight.tasks.WorkerLost"


# ---- For real: kill a worker while it sends, start another (PostgreSQL) ---------------------


def worker_database_url() -> str:
    database = django_settings.DATABASES["default"]
    credentials = quote(database["USER"], safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = database["HOST"] or "localhost"
    return f"postgres://{credentials}@{host}:{database['PORT'] or 5432}/{database['NAME']}"


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def start_worker(tmp_path) -> Iterator[Callable[[int], subprocess.Popen]]:
    workers: list[subprocess.Popen] = []

    def start(smtp_port: int) -> subprocess.Popen:
        log = (tmp_path / f"worker{len(workers) + 1}.log").open("w")
        worker = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.1",
                "--no-startup-delay",
                "--no-reload",
            ],
            cwd=PROJECT_ROOT,
            env={
                **os.environ,
                "ENV_FILE": "/dev/null",
                "DEBUG": "false",
                "SECRET_KEY": "worker-test",
                "DATABASE_URL": worker_database_url(),
                "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
                "TASKS_BACKEND": "database",
                "TASKS_WORKER_LOST_AFTER_SECONDS": "2",
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a database two processes share"
)
@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_is_killed_mid_send_is_sent_once_by_the_next_worker(start_worker):
    with smtp_server(delay_rcpt=3) as (server, port):
        email, _ = mail.email_queue(
            idempotency_key="killed:1", to=["alice@example.org"], subject="Hello", body="Hi\n"
        )
        job = DBTaskResult.objects.get()

        first = start_worker(port)
        wait_for(lambda: server.connections == 1, 30, "the first worker to reach the mail server")
        first.send_signal(signal.SIGKILL)  # mid-conversation: the server has no message yet
        first.wait(timeout=10)
        job.refresh_from_db()
        assert job.status == TaskResultStatus.RUNNING  # what django-tasks-db leaves behind

        second = start_worker(port)
        wait_for(
            lambda: OutgoingEmail.objects.filter(pk=email.pk, sent_at__isnull=False).exists(),
            60,
            "the second worker to send the message",
        )
        wait_for(
            lambda: DBTaskResult.objects.get(pk=job.pk).status != TaskResultStatus.RUNNING,
            10,
            "the job to finish",
        )
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=20) == 0

    job.refresh_from_db()
    assert [m["Subject"] for m in server.messages] == ["Hello"]
    assert server.connections == 2
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert len(job.worker_ids) == 2
    # The killed attempt's transaction died with it: only the attempt that finished counts.
    assert OutgoingEmail.objects.get(pk=email.pk).attempts == 1
    assert not TaskWorker.objects.exists()  # the second stopped cleanly; the first was forgotten
