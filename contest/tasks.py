"""Celery tasks of contest: the mails of messages to a group, each person once."""

from celery import shared_task

from .group_messages import deliver_pending


@shared_task(ignore_result=True)
def deliver_group_messages() -> int:
    """Periodic, every minute (CELERY_BEAT_SCHEDULE): mail each recipient of a recent group message not mailed yet.
    Safe to run twice, or in two schedulers at once: each (message, person) is claimed before sending."""
    return deliver_pending()
