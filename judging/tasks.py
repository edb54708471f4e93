"""Celery tasks of judging. They never decide what a team may read (pages do, at request time): they only send the
mails that follow the publication of the jury's feedback, once."""

from celery import shared_task

from . import services
from .services.feedback import due_publications


@shared_task(ignore_result=True)
def mail_due_feedback() -> int:
    """Periodic, every minute (CELERY_BEAT_SCHEDULE): mail the teams of every publication now in force. Safe to run
    twice, or in two schedulers at once: each (entry, person) is claimed before sending."""
    return sum(services.mail_published_feedback(publication=publication) for publication in due_publications())
