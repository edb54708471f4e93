"""What every service of contest, and of the apps above it, shares: the errors, the audit trail and mail."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.errors import ServiceError
from accounts.models import User
from accounts.text import one_line

from ..models import AuditEvent, Contest, ContestRole, Entry, Team


class ContestError(ServiceError):
    """A rule of the contest said no. `code` is stable (tests, logs); `message` is for people."""


class SubmissionError(ContestError):
    pass


def record_account_event(*, verb: str, actor: User, **kwargs) -> None:
    """Receiver of accounts' `account_event`: the account's change in the audit trail (no contest)."""
    record_event(verb=verb, actor=actor, contest=None)


def record_event(*, verb: str, actor: User | None, contest: Contest | None, entry: Entry | None = None, **data):
    """Write one AuditEvent row."""
    return AuditEvent.objects.create(verb=verb, actor=actor, contest=contest, entry=entry, data=data)


def _mail_each(*, recipients: list, contest: Contest, subject_template: str, body_template: str, context: dict):
    """Send one mail to each (email, language) of `recipients`, in their language and the contest's time zone, once
    the transaction commits."""

    def send():
        for email, language in recipients:
            with translation.override(language or settings.LANGUAGE_CODE), timezone.override(contest.tzinfo):
                full_context = {"site_url": settings.SITE_URL, **context}
                subject = one_line(render_to_string(subject_template, full_context))
                body = render_to_string(body_template, full_context)
            send_mail(subject, body, None, [email])

    transaction.on_commit(send)


def send_claimed_mail(
    claim, *, user: User, contest: Contest, subject_template: str, body_template: str, context: dict
) -> bool:
    """Send one mail that must go once: `claim()` inserts the row whose unique constraint says it was sent, in the
    same transaction as the sending, in `user`'s language and the contest's time zone. A second scheduler waits on
    the unique index, then finds the row: False, nothing sent. A mail server that refuses rolls the claim back for
    the next sweep (the error propagates). Used for the mails that follow a time (jury, feedback)."""
    try:
        with transaction.atomic():
            claim()
            with (
                translation.override(user.preferred_language or settings.LANGUAGE_CODE),
                timezone.override(contest.tzinfo),
            ):
                full_context = {"site_url": settings.SITE_URL, "contest": contest, **context}
                subject = one_line(render_to_string(subject_template, full_context))
                body = render_to_string(body_template, full_context)
            send_mail(subject, body, None, [user.email])
    except IntegrityError:
        return False
    return True


def mail_team(*, team: Team, subject_template: str, body_template: str, context: dict) -> None:
    """Send a mail to every member of `team`, each in their own language, once the transaction commits."""
    _mail_each(
        recipients=list(team.members.values_list("email", "preferred_language")),
        contest=team.contest,
        subject_template=subject_template,
        body_template=body_template,
        context={"team": team, **context},
    )


def mail_organisers(*, contest: Contest, subject_template: str, body_template: str, context: dict) -> None:
    """Send a mail to each organiser of `contest`, in their own language, once the transaction commits."""
    _mail_each(
        recipients=list(
            ContestRole.objects.filter(contest=contest, role=ContestRole.Role.ORGANISER)
            .values_list("user__email", "user__preferred_language")
            .distinct()
        ),
        contest=contest,
        subject_template=subject_template,
        body_template=body_template,
        context={"contest": contest, **context},
    )


def receipt(entry: Entry, event: str) -> None:
    """The team's receipt of what just happened to its entry (`event`: submitted, withdrawn, ...)."""
    mail_team(
        team=entry.team,
        subject_template="contest/mail/receipt_subject.txt",
        body_template="contest/mail/receipt_body.txt",
        context={"entry": entry, "event": event},
    )
