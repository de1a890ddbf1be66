"""`python manage.py db_worker`: django-tasks-db's worker, plus a heartbeat and lost-job recovery.

Same options as django-tasks-db's own command, which this one replaces (the "oversight" app
comes before "django_tasks_db" in INSTALLED_APPS). While it runs, a thread notes every quarter
of TASKS_WORKER_LOST_AFTER_SECONDS that the worker is alive and puts back in the queue the jobs
of workers that stopped doing so (see `oversight.tasks.requeue_lost_tasks`). It does the same
once before the first job, so a worker restarted after a crash picks up what was lost.
"""

import logging
import threading

from django.db import DatabaseError, connection
from django_tasks_db.management.commands import db_worker

from oversight import tasks

logger = logging.getLogger(__name__)


class HeartbeatWorker(db_worker.Worker):
    def run(self) -> None:
        tasks.worker_heartbeat(worker_id=self.worker_id)
        tasks.requeue_lost_tasks()
        stop = threading.Event()
        beat = threading.Thread(target=self._beat, args=(stop,), name="heartbeat", daemon=True)
        beat.start()
        try:
            super().run()
        finally:
            stop.set()
            beat.join()
            tasks.worker_stopped(worker_id=self.worker_id)

    def _beat(self, stop: threading.Event) -> None:
        interval = tasks.worker_lost_after().total_seconds() / 4
        try:
            while not stop.wait(interval):
                try:
                    tasks.worker_heartbeat(worker_id=self.worker_id)
                    tasks.requeue_lost_tasks()
                except DatabaseError:
                    # The database is away or busy: try again next beat on a new connection.
                    logger.warning("event=worker_heartbeat_failed worker=%s", self.worker_id)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection


class Command(db_worker.Command):
    help = db_worker.Command.help + " (with a heartbeat; jobs of workers that died run again)"

    def handle(self, *args, **options) -> None:
        # The upstream command builds `db_worker.Worker`; this module's worker is used instead.
        original = db_worker.Worker
        db_worker.Worker = HeartbeatWorker
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original
