"""Every change of state to contests, teams and entries. Views call these; nothing else writes those rows."""

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.text import one_line

from .models import AuditEvent, Contest, Entry, Team, TeamMember


class ContestError(Exception):
    """A rule of the contest said no. `code` is stable (tests, logs); `message` is for people."""

    def __init__(self, code: str, message):
        super().__init__(code)
        self.code = code
        self.message = message

    def __str__(self):
        return str(self.message)


class SubmissionError(ContestError):
    pass


def record_event(*, verb: str, actor: User | None, contest: Contest | None, entry: Entry | None = None, **data):
    """Write one AuditEvent row."""
    return AuditEvent.objects.create(verb=verb, actor=actor, contest=contest, entry=entry, data=data)


def mail_team(*, team: Team, subject_template: str, body_template: str, context: dict) -> None:
    """Send a mail to every member of `team`, each in their own language, once the transaction commits."""
    recipients = list(team.members.values_list("email", "preferred_language"))

    def send():
        for email, language in recipients:
            with translation.override(language or settings.LANGUAGE_CODE), timezone.override(team.contest.tzinfo):
                full_context = {"team": team, "site_url": settings.SITE_URL, **context}
                subject = one_line(render_to_string(subject_template, full_context))
                body = render_to_string(body_template, full_context)
            send_mail(subject, body, None, [email])

    transaction.on_commit(send)


def _receipt(entry: Entry, event: str) -> None:
    mail_team(
        team=entry.team,
        subject_template="contest/mail/receipt_subject.txt",
        body_template="contest/mail/receipt_body.txt",
        context={"entry": entry, "event": event},
    )


ENTRY_FIELDS = (
    "title",
    "synopsis_fr",
    "synopsis_en",
    "credits",
    "language",
    "runtime_s",
    "subtitle_file",
    "consent_on_screen",
    "rights_cleared",
    "rules_accepted",
)


def _check_synopsis_length(*, contest: Contest, values: dict) -> None:
    for field in ("synopsis_fr", "synopsis_en"):
        text = values.get(field) or ""
        if len(text) > contest.max_synopsis_chars:
            raise ContestError(
                "synopsis_too_long",
                _("The synopsis has %(length)d characters; the limit is %(limit)d: shorten it by %(excess)d.")
                % {
                    "length": len(text),
                    "limit": contest.max_synopsis_chars,
                    "excess": len(text) - contest.max_synopsis_chars,
                },
            )


@transaction.atomic
def create_entry(*, team: Team, by: User, title: str, content_warnings=(), **values) -> Entry:
    """Create a draft entry for `team`. Writes Entry and an AuditEvent `entry_created`."""
    unknown = set(values) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown entry fields: {sorted(unknown)}")
    _check_synopsis_length(contest=team.contest, values=values)
    entry = Entry.objects.create(contest=team.contest, team=team, title=title, **values)
    entry.content_warnings.set(content_warnings)
    record_event(verb="entry_created", actor=by, contest=team.contest, entry=entry, title=title)
    return entry


def _check_editable(*, entry: Entry, now: datetime) -> None:
    if entry.status in (Entry.Status.WITHDRAWN, Entry.Status.DISQUALIFIED):
        raise ContestError(
            "entry_closed",
            _("This entry was %(status)s and can no longer be changed.") % {"status": entry.get_status_display()},
        )
    if entry.status == Entry.Status.SUBMITTED and not entry.team.window_is_open(now):
        raise ContestError("window_closed", _("Submissions are closed: a submitted entry can no longer be changed."))


@transaction.atomic
def update_entry(*, entry: Entry, by: User, content_warnings=None, **values) -> Entry:
    """Change an entry's details. Allowed on drafts, and on submitted entries while the window is open.
    Writes Entry and an AuditEvent `entry_updated` naming the changed fields."""
    entry = Entry.objects.select_for_update().select_related("team__contest").get(pk=entry.pk)
    _check_editable(entry=entry, now=timezone.now())
    unknown = set(values) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown entry fields: {sorted(unknown)}")
    _check_synopsis_length(contest=entry.contest, values=values)
    changed = sorted(name for name, value in values.items() if getattr(entry, name) != value)
    for name, value in values.items():
        setattr(entry, name, value)
    entry.save()
    if content_warnings is not None:
        before = set(entry.content_warnings.values_list("pk", flat=True))
        after = {warning.pk for warning in content_warnings}
        if before != after:
            entry.content_warnings.set(content_warnings)
            changed.append("content_warnings")
    if changed:
        record_event(verb="entry_updated", actor=by, contest=entry.contest, entry=entry, fields=changed)
    return entry


def missing_for_submission(entry: Entry, now: datetime | None = None) -> list[tuple[str, str]]:
    """What stands between this entry and submission, as (code, plain-words message) pairs, in a stable order."""
    now = now or timezone.now()
    team = entry.team
    contest = entry.contest
    missing = []
    if now < contest.opens_at:
        missing.append(("window_not_open", _("Submissions open on %(date)s.") % {"date": _when(contest.opens_at)}))
    elif now > team.closes_at:
        missing.append(
            (
                "deadline_passed",
                _("Submissions closed on %(date)s. Ask the organisers for an extension.")
                % {"date": _when(team.closes_at)},
            )
        )
    if not entry.title.strip():
        missing.append(("title_missing", _("Give your film a title.")))
    if not (entry.synopsis_fr.strip() or entry.synopsis_en.strip()):
        missing.append(("synopsis_missing", _("Write a synopsis in French or in English.")))
    if not entry.film_accepted:
        missing.append(("film_missing", _("Upload your film: it must be received and accepted by the checks.")))
    if not entry.consent_on_screen:
        missing.append(("consent_missing", _("Confirm that everyone on screen consented to be filmed.")))
    if not entry.rights_cleared:
        missing.append(("rights_missing", _("Confirm that music and footage rights are cleared.")))
    if not entry.rules_accepted:
        missing.append(("rules_missing", _("Accept the contest rules.")))
    return missing


def _when(moment: datetime) -> str:
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@transaction.atomic
def submit_entry(*, entry: Entry, by: User, now: datetime | None = None) -> Entry:
    """Freeze the entry for judging. Writes Entry.status and an AuditEvent; mails the team a receipt on commit.
    Raises SubmissionError with the code of the first thing missing (`deadline_passed`, `film_missing`, ...)."""
    now = now or timezone.now()
    entry = Entry.objects.select_for_update().select_related("team__contest").get(pk=entry.pk)
    if entry.status != Entry.Status.DRAFT:
        raise SubmissionError(
            "not_a_draft",
            _("Only a draft can be submitted; this entry is %(status)s.") % {"status": entry.get_status_display()},
        )
    missing = missing_for_submission(entry, now)
    if missing:
        code, message = missing[0]
        raise SubmissionError(code, message)
    entry.status = Entry.Status.SUBMITTED
    entry.submitted_at = now
    entry.save(update_fields=["status", "submitted_at", "updated_at"])
    record_event(verb="entry_submitted", actor=by, contest=entry.contest, entry=entry)
    _receipt(entry, "submitted")
    return entry


@transaction.atomic
def withdraw_entry(*, entry: Entry, by: User) -> Entry:
    """The team takes its entry out of the contest. Writes Entry.status and an AuditEvent; mails the team."""
    entry = Entry.objects.select_for_update().select_related("team__contest").get(pk=entry.pk)
    if entry.status not in (Entry.Status.DRAFT, Entry.Status.SUBMITTED):
        raise ContestError(
            "cannot_withdraw",
            _("This entry is %(status)s and cannot be withdrawn.") % {"status": entry.get_status_display()},
        )
    before = entry.status
    entry.status = Entry.Status.WITHDRAWN
    entry.save(update_fields=["status", "updated_at"])
    record_event(verb="entry_withdrawn", actor=by, contest=entry.contest, entry=entry, before=before)
    _receipt(entry, "withdrawn")
    return entry


@transaction.atomic
def disqualify_entry(*, entry: Entry, by: User, reason: str) -> Entry:
    """Organisers remove an entry, with a reason the team sees. Writes Entry and an AuditEvent; mails the team."""
    reason = reason.strip()
    if not reason:
        raise ContestError("reason_required", _("Give the team a reason for the disqualification."))
    entry = Entry.objects.select_for_update().select_related("team__contest").get(pk=entry.pk)
    if entry.status == Entry.Status.DISQUALIFIED:
        raise ContestError("already_disqualified", _("This entry is already disqualified."))
    before = entry.status
    entry.status = Entry.Status.DISQUALIFIED
    entry.disqualification_reason = reason
    entry.save(update_fields=["status", "disqualification_reason", "updated_at"])
    record_event(verb="entry_disqualified", actor=by, contest=entry.contest, entry=entry, before=before, reason=reason)
    _receipt(entry, "disqualified")
    return entry


@transaction.atomic
def set_film_accepted(*, entry: Entry, accepted: bool, by: User | None) -> Entry:
    """Record whether the entry's film passed the checks (the media pipeline, or an organiser). Writes an AuditEvent."""
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.film_accepted != accepted:
        entry.film_accepted = accepted
        entry.save(update_fields=["film_accepted", "updated_at"])
        record_event(
            verb="film_accepted" if accepted else "film_unaccepted", actor=by, contest=entry.contest, entry=entry
        )
    return entry


@transaction.atomic
def grant_extension(*, team: Team, until: datetime, by: User) -> Team:
    """Let one team submit until `until`. Writes Team and an AuditEvent; mails the team."""
    if until <= team.contest.closes_at:
        raise ContestError("extension_too_early", _("An extension must end after the contest's deadline."))
    before = team.deadline_extended_to
    team.deadline_extended_to = until
    team.save(update_fields=["deadline_extended_to"])
    record_event(
        verb="extension_granted",
        actor=by,
        contest=team.contest,
        team=team.pk,
        before=before.isoformat() if before else None,
        after=until.isoformat(),
    )
    mail_team(
        team=team,
        subject_template="contest/mail/extension_subject.txt",
        body_template="contest/mail/extension_body.txt",
        context={"until": until},
    )
    return team


@transaction.atomic
def create_team(*, contest: Contest, name: str, institution, captain: User) -> Team:
    """Register a team with its captain. Writes Team, TeamMember and an AuditEvent."""
    name = name.strip()
    if Team.objects.filter(contest=contest, name__iexact=name).exists():
        raise ContestError("team_name_taken", _("A team with this name is already registered."))
    team = Team.objects.create(contest=contest, name=name, institution=institution)
    TeamMember.objects.create(team=team, user=captain, role=TeamMember.Role.CAPTAIN)
    record_event(verb="team_created", actor=captain, contest=contest, team=team.pk, name=name)
    return team
