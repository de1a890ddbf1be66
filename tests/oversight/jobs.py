"""Running the background jobs a test queued, as `manage.py db_worker --batch` would."""

from django.core.management import call_command


def run_queued_jobs() -> None:
    """Run every queued job (and the jobs they queue) in this process, then return."""
    call_command(
        "db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0
    )
