"""Background jobs (Django's task API, `django-tasks`), run by `python manage.py db_worker`.

A job may run more than once: a worker that dies mid-job has its job run again by another
(`requeue_lost_tasks` below). So every job here is safe to repeat: e-mail goes through
`oversight.mail`, which sends each message once.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskContext, TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from oversight import mail
from oversight.models import OutgoingEmail, TaskWorker
from oversight.throttle import rate_limit_prune

logger = logging.getLogger(__name__)

# Minutes to wait before the 2nd and 3rd attempt at a message the mail server refused.
EMAIL_RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=10))


@task()
def send_email(email_id: int) -> bool:
    """Send one recorded message (see `oversight.mail.email_send`); try again later if it fails."""
    try:
        return mail.email_send(email_id=email_id)
    except mail.EmailNotSent:
        attempts = OutgoingEmail.objects.values_list("attempts", flat=True).get(pk=email_id)
        if attempts <= len(EMAIL_RETRY_DELAYS) and send_email.get_backend().supports_defer:
            retry = send_email.using(run_after=timezone.now() + EMAIL_RETRY_DELAYS[attempts - 1])
            retry.enqueue(email_id=email_id)
        raise


@task(takes_context=True)
def send_password_reset(context: TaskContext, email: str, domain: str, use_https: bool) -> int:
    """Mail a reset link to each active account with this address. Returns how many were queued.

    The request that asked for it only queued this job, whether or not the address has an
    account, so the answer takes the same time either way. The messages' keys are this job's
    id, so running the job again queues nothing new.
    """
    from oversight.accounts import QueuedPasswordResetForm  # accounts imports this module

    # Off the request path: forget reset counts whose hour ended a day ago.
    rate_limit_prune(older_than=timedelta(days=1))
    form = QueuedPasswordResetForm(
        data={"email": email}, idempotency_prefix=f"password-reset:{context.task_result.id}"
    )
    if not form.is_valid():
        return 0
    form.save(domain_override=domain, use_https=use_https)
    return form.queued


# ---- Workers that die ----------------------------------------------------------------------
# django-tasks-db marks a job RUNNING when a worker claims it and never looks at it again: if
# the worker is killed (out of memory, a node lost, `kill -9`), the job stays RUNNING for ever.
# Our db_worker (oversight/management/commands/db_worker.py) writes a heartbeat, and puts back
# in the queue the jobs of workers whose heartbeat stopped.


def worker_lost_after() -> timedelta:
    return timedelta(seconds=settings.TASKS_WORKER_LOST_AFTER_SECONDS)


def worker_heartbeat(*, worker_id: str) -> None:
    """Note that this worker is alive."""
    TaskWorker.objects.update_or_create(
        worker_id=worker_id, defaults={"last_seen_at": timezone.now()}
    )


def worker_stopped(*, worker_id: str) -> None:
    TaskWorker.objects.filter(worker_id=worker_id).delete()


def requeue_lost_tasks() -> tuple[int, int]:
    """Run again the jobs of workers not heard from lately; fail those lost too often.

    A job counts as lost when it has been RUNNING for longer than TASKS_WORKER_LOST_AFTER_SECONDS
    and the worker that claimed it has not written its heartbeat in that time. A job is tried
    at most TASKS_MAX_ATTEMPTS times (a job that kills every worker it runs on must stop).
    Returns (jobs put back, jobs failed).
    """
    now = timezone.now()
    cutoff = now - worker_lost_after()
    alive = set(
        TaskWorker.objects.filter(last_seen_at__gt=cutoff).values_list("worker_id", flat=True)
    )
    requeued = failed = 0
    for job in DBTaskResult.objects.running().filter(started_at__lt=cutoff):
        if job.worker_ids and job.worker_ids[-1] in alive:
            continue
        # Only if nothing changed it since we looked: its worker may have just finished it.
        same_job = DBTaskResult.objects.filter(
            pk=job.pk, status=TaskResultStatus.RUNNING, started_at=job.started_at
        )
        if len(job.worker_ids) >= settings.TASKS_MAX_ATTEMPTS:
            failed += same_job.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{__name__}.WorkerLost",
                traceback=f"WorkerLost: the worker died running it, {len(job.worker_ids)} times.",
            )
        else:
            requeued += same_job.update(status=TaskResultStatus.READY, started_at=None)
    TaskWorker.objects.filter(last_seen_at__lte=cutoff).delete()
    if requeued or failed:
        logger.warning("event=tasks_lost requeued=%s failed=%s", requeued, failed)
    return requeued, failed
