"""Consent of each person on screen: the team lists them, each (and a minor's guardian) answers use by use through a
secret link of their own, and an organiser may waive the jury's need of one answer. The rule that reads the answers
is contest.consents; these functions only record them, audited, and tell the team and the organisers when a use
is lost."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User, hash_token, new_token

from .. import consents
from ..models import ConsentRecord, ConsentUse, Contest, Entry, PersonOnScreen
from .common import ContestError, _mail_each, mail_organisers, mail_team, record_event
from .entries import check_open

Party = ConsentRecord.Party


def consent_url(person: PersonOnScreen, token: str) -> str:
    return settings.SITE_URL + reverse("consent", kwargs={"contest_slug": person.entry.contest.slug, "token": token})


def _address(person: PersonOnScreen, party: str) -> str:
    return person.guardian_email if party == Party.GUARDIAN else person.email


def _mail_link(person: PersonOnScreen, party: str, token: str) -> None:
    _mail_each(
        recipients=[(_address(person, party), settings.LANGUAGE_CODE)],
        contest=person.entry.contest,
        subject_template="contest/mail/consent_link_subject.txt",
        body_template="contest/mail/consent_link_body.txt",
        context={
            "contest": person.entry.contest,
            "entry": person.entry,
            "person": person,
            "guardian": party == Party.GUARDIAN,
            "url": consent_url(person, token),
        },
    )


def _new_link(person: PersonOnScreen, party: str) -> None:
    """A new secret for `party`'s link (the previous one stops working at once), mailed on commit."""
    token = new_token()
    field = "guardian_token_hash" if party == Party.GUARDIAN else "person_token_hash"
    setattr(person, field, hash_token(token))
    person.save(update_fields=[field])
    _mail_link(person, party, token)


@transaction.atomic
def add_person_on_screen(
    *,
    entry: Entry,
    by: User,
    name: str,
    email: str,
    role_in_film: str = "",
    minor: bool = False,
    guardian_email: str = "",
) -> PersonOnScreen:
    """List someone who appears in the film. Writes PersonOnScreen and an AuditEvent; mails their link (and, for a
    minor, the guardian's) on commit. Raises ContestError("entry_closed" | "name_missing" | "guardian_missing" |
    "guardian_same_address")."""
    check_open(entry=entry)
    name, email, guardian_email = name.strip(), email.strip(), guardian_email.strip() if minor else ""
    if not name:
        raise ContestError("name_missing", _("Give the person's name as it appears in the credits."))
    if minor and not guardian_email:
        raise ContestError(
            "guardian_missing", _("For a person under 18, give a parent's or guardian's email: both must agree.")
        )
    if minor and guardian_email.lower() == email.lower():
        raise ContestError(
            "guardian_same_address",
            _("The guardian's email must differ from the person's own: each answers through their own link."),
        )
    person = PersonOnScreen.objects.create(
        entry=entry,
        name=name,
        role_in_film=role_in_film.strip(),
        email=email,
        minor=minor,
        guardian_email=guardian_email,
    )
    for party in consents.parties(person):
        _new_link(person, party)
    record_event(verb="person_on_screen_added", actor=by, contest=entry.contest, entry=entry, person=person.pk)
    return person


@transaction.atomic
def remove_person_on_screen(*, person: PersonOnScreen, by: User) -> None:
    """Take someone off the list while the entry is a draft (never once submitted: their answers are the proof of
    what was shown). Deletes the person and their answers; writes an AuditEvent. Raises ContestError("submitted")."""
    entry = person.entry
    if entry.status != Entry.Status.DRAFT:
        raise ContestError(
            "submitted", _("Once the entry is submitted, people on screen can no longer be taken off the list.")
        )
    person.delete()
    record_event(verb="person_on_screen_removed", actor=by, contest=entry.contest, entry=entry)


@transaction.atomic
def send_consent_link(*, person: PersonOnScreen, party: str, by: User | None) -> None:
    """Mail `party` a new link; the previous one stops working at once (a link sent to a wrong address is revoked
    so). Writes the new secret and an AuditEvent. Raises ContestError("no_guardian")."""
    if party not in consents.parties(person):
        raise ContestError("no_guardian", _("This person has no guardian to write to."))
    _new_link(person, party)
    record_event(verb="consent_link_sent", actor=by, contest=person.entry.contest, entry=person.entry, person=person.pk)


@transaction.atomic
def renew_consent_links(*, contest: Contest, email: str) -> int:
    """Someone lost their link: every link of `contest` that was sent to `email` is replaced and mailed again there.
    Returns how many (the page says the same whatever it is, so that nobody learns who is listed)."""
    email = email.strip()
    if not email:
        return 0
    count = 0
    people = PersonOnScreen.objects.filter(entry__contest=contest).select_related("entry__contest")
    for person in people.filter(email__iexact=email):
        send_consent_link(person=person, party=Party.PERSON, by=None)
        count += 1
    for person in people.filter(minor=True, guardian_email__iexact=email):
        send_consent_link(person=person, party=Party.GUARDIAN, by=None)
        count += 1
    return count


def person_for_consent_token(*, contest: Contest, token: str) -> tuple[PersonOnScreen, str] | None:
    """The person and the party (person or guardian) whose live link this is, in `contest`; None otherwise."""
    if not token:
        return None
    hashed = hash_token(token)
    people = PersonOnScreen.objects.filter(entry__contest=contest).select_related("entry__team__contest")
    person = people.filter(person_token_hash=hashed).first()
    if person is not None:
        return person, Party.PERSON
    person = people.filter(minor=True, guardian_token_hash=hashed).first()
    return (person, Party.GUARDIAN) if person is not None else None


@transaction.atomic
def record_consent(
    *,
    person: PersonOnScreen,
    party: str,
    answers: dict[str, tuple[bool, datetime | None]],
    now: datetime | None = None,
) -> frozenset[str]:
    """`party`'s answer about every use ({use: (given, until)}), in force from now. Writes one ConsentRecord per use
    and an AuditEvent; when a use of the film is lost for the entry, mails the team and the organisers what changed
    and why. Returns the uses lost. Raises ContestError("entry_closed" | "answer_missing" | "end_in_the_past")."""
    now = now or timezone.now()
    entry = Entry.objects.select_for_update().select_related("team__contest").get(pk=person.entry_id)
    check_open(entry=entry)
    if set(answers) != consents.ALL_USES:
        raise ContestError("answer_missing", _("Answer yes or no for each use of the film."))
    for given, until in answers.values():
        if given and until is not None and until <= now:
            raise ContestError("end_in_the_past", _("An end date must be in the future; leave it empty for no end."))
    before = consents.consented_uses(entry, at=now)
    for use in ConsentUse.values:
        given, until = answers[use]
        ConsentRecord.objects.create(
            person=person,
            party=party,
            use=use,
            given=given,
            until=until if given else None,
            email=_address(person, party),
            recorded_at=now,
        )
    lost = before - consents.consented_uses(entry, at=now)
    record_event(
        verb="consent_answered",
        actor=None,
        contest=entry.contest,
        entry=entry,
        person=person.pk,
        party=party,
        given=sorted(use for use, (given, _) in answers.items() if given),
        lost=sorted(lost),
    )
    if lost:
        labels = dict(ConsentUse.choices)
        context = {"entry": entry, "person": person, "lost": [labels[use] for use in ConsentUse.values if use in lost]}
        mail_team(
            team=entry.team,
            subject_template="contest/mail/consent_lost_subject.txt",
            body_template="contest/mail/consent_lost_body.txt",
            context=context,
        )
        mail_organisers(
            contest=entry.contest,
            subject_template="contest/mail/consent_lost_subject.txt",
            body_template="contest/mail/consent_lost_body.txt",
            context=context,
        )
    return lost


@transaction.atomic
def waive_jury_consent(*, person: PersonOnScreen, by: User, reason: str, now: datetime | None = None) -> None:
    """An organiser lets the jury see the film without this person's answer (someone unreachable). Writes the
    waiver and an AuditEvent with the reason. Raises ContestError("reason_required" | "already_waived")."""
    reason = reason.strip()
    if not reason:
        raise ContestError("reason_required", _("Say why the jury may see the film without this person's consent."))
    if person.jury_waived_at is not None:
        raise ContestError("already_waived", _("The jury's need of this consent is already waived."))
    person.jury_waived_at = now or timezone.now()
    person.jury_waived_by = by
    person.jury_waiver_reason = reason
    person.save(update_fields=["jury_waived_at", "jury_waived_by", "jury_waiver_reason"])
    record_event(
        verb="jury_consent_waived",
        actor=by,
        contest=person.entry.contest,
        entry=person.entry,
        person=person.pk,
        reason=reason,
    )
