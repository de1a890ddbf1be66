"""Running the background jobs a test queued, as `manage.py db_worker --batch` would."""

from unittest import mock

from django.core.management import call_command


def run_queued_jobs() -> None:
    """Run every queued job (and the jobs they queue) in this process, then return.

    The worker closes database connections between jobs, as a long-running process must; here
    that would close the connection holding the test's transaction (on PostgreSQL), so it is
    switched off. tests/oversight/test_tasks.py runs real worker processes.
    """
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        call_command(
            "db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0
        )
