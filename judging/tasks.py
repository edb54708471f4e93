"""Celery tasks of judging. They never decide what a juror or a team may see (pages do, at request time): they only
send the jury's mails and the mails that follow the publication of the jury's feedback, each once."""

from celery import shared_task

from . import services
from .services.feedback import due_publications
from .services.juror_mails import mail_discussion_digests
from .services.juror_mails import mail_jurors as mail_every_round


@shared_task(ignore_result=True)
def mail_due_feedback() -> int:
    """Periodic, every minute (CELERY_BEAT_SCHEDULE): mail the teams of every publication now in force. Safe to run
    twice, or in two schedulers at once: each (entry, person) is claimed before sending."""
    return sum(services.mail_published_feedback(publication=publication) for publication in due_publications())


@shared_task(ignore_result=True)
def mail_jurors() -> int:
    """Periodic, every minute (CELERY_BEAT_SCHEDULE): each juror's mails now owed (films assigned, round open,
    reminders). Safe to run twice, or in two schedulers at once: each (round, juror, kind) is claimed before sending."""
    return mail_every_round()


@shared_task(ignore_result=True)
def mail_digests() -> int:
    """Periodic, every hour (CELERY_BEAT_SCHEDULE): the day's discussion digest of each juror with new messages.
    Safe to run twice at once: each (contest, juror, day) is claimed before sending."""
    return mail_discussion_digests()
