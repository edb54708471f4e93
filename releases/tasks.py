"""Celery tasks of releases. They never decide visibility (pages do, at request time): they only send the
notifications that follow a step, once."""

from celery import shared_task

from . import screening, services
from .models import ReleaseStep


@shared_task(ignore_result=True)
def notify_due_steps() -> int:
    """Periodic, every minute (CELERY_BEAT_SCHEDULE): enqueue the notifications of steps now in force."""
    step_ids = list(services.due_steps().values_list("pk", flat=True))
    for step_id in step_ids:
        notify_step.delay(step_id)
    return len(step_ids)


@shared_task(ignore_result=True)
def notify_step(step_id: int) -> int:
    """Mail whoever this step lets see more. Safe to run twice: each (step, person) is claimed before sending."""
    step = ReleaseStep.objects.select_related("release__entry__team", "release__contest").filter(pk=step_id).first()
    if step is None:
        return 0
    return services.notify_step(step=step)


@shared_task(ignore_result=True)
def queue_public_screeners() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): the plain screener of every film that became public."""
    return screening.queue_public_screeners()
