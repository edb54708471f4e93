"""Personal data: what the site holds about a person (export), and erasure of a withdrawn team after the contest.

A team that withdrew all its entries keeps no reason for its data to stay once submissions are closed: organisers
may erase it from then on, and the beat task erases it PERSONAL_DATA_RETENTION_DAYS after the close. Erasure keeps
the rows that judging results are built on (entry, assignments, scores) under neutral names."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User, new_token
from audience.addresses import address_hash
from audience.models import AudienceBallot, Voter
from contest.models import (
    AuditEvent,
    Contest,
    ContestRole,
    Entry,
    EntryEdit,
    GroupMessageDelivery,
    Invitation,
    PersonOnScreen,
    Team,
    TeamMember,
)
from contest.services import ContestError, record_event
from judging.models import (
    Assignment,
    AssignmentWish,
    Award,
    BallotPaper,
    Conflict,
    ContentOptOut,
    DiscussionMessage,
    FeedbackModeration,
    JurorMailPreference,
    Review,
    RoundJuror,
    Score,
)
from media_pipeline import storage
from media_pipeline.models import Film, Rendition, Screener, Upload, ViewingSession
from releases.models import CommunityMember, NotificationSent, Release, ReleaseSubscription

from .models import Erasure

logger = logging.getLogger(__name__)


class PersonalDataError(ContestError):
    pass


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _person_on_screen(listed: PersonOnScreen) -> dict:
    return {
        "entry": listed.entry.code,
        "name": listed.name,
        "role_in_film": listed.role_in_film,
        "email": listed.email,
        "minor": listed.minor,
        "guardian_email": listed.guardian_email,
        "jury_waived_at": _iso(listed.jury_waived_at),
        "jury_waiver_reason": listed.jury_waiver_reason,
        "answers": [
            {
                "party": record.party,
                "use": record.use,
                "given": record.given,
                "until": _iso(record.until),
                "email": record.email,
                "recorded_at": _iso(record.recorded_at),
            }
            for record in listed.consent_records.all()
        ],
    }


def people_of(contest: Contest):
    """Everyone the contest holds data about: team members, jurors, organisers (accounts only)."""
    return (
        User.objects.filter(Q(team_memberships__team__contest=contest) | Q(contest_roles__contest=contest))
        .distinct()
        .order_by("email")
    )


def export_person(*, contest: Contest, person: User, by: User) -> dict:
    """Everything this contest holds about `person`, as JSON-ready data. Writes an AuditEvent
    `personal_data_exported`. Rows of other contests are left out: an organiser sees their own contest only."""
    memberships = TeamMember.objects.filter(user=person, team__contest=contest).select_related("team__institution")
    teams = [membership.team for membership in memberships]
    entries = Entry.objects.filter(team__in=teams).prefetch_related("content_warnings").order_by("pk")
    films = Film.objects.filter(entry__in=entries).order_by("pk")
    assignments = (
        Assignment.objects.filter(juror=person, round__contest=contest).select_related("round", "entry").order_by("pk")
    )
    reviews = {review.assignment_id: review for review in Review.objects.filter(assignment__in=assignments)}
    # The people on screen this person's team listed, and the films this person appears in (or answers for, as a
    # guardian), each with every answer recorded: the proof of what was consented, when and by whom.
    on_screen = PersonOnScreen.objects.filter(entry__contest=contest).select_related("entry").order_by("pk")
    listed_people = list(on_screen.filter(entry__in=entries).prefetch_related("consent_records"))
    appearances = list(
        on_screen.filter(
            Q(email__iexact=person.email) | Q(minor=True, guardian_email__iexact=person.email)
        ).prefetch_related("consent_records")
    )
    scores: dict[int, list] = {}
    for score in Score.objects.filter(assignment__in=assignments).select_related("criterion").order_by("pk"):
        scores.setdefault(score.assignment_id, []).append(
            {"criterion": score.criterion.name_en or score.criterion.name_fr, "value": str(score.value)}
        )
    data = {
        "format": "palmares-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        "contest": contest.slug,
        "account": {
            "email": person.email,
            "full_name": person.full_name,
            "preferred_language": person.preferred_language,
            "date_joined": _iso(person.date_joined),
            "last_login": _iso(person.last_login),
            "is_active": person.is_active,
            "two_factor_enabled": TOTPDevice.objects.filter(user=person, confirmed=True).exists(),
        },
        "roles": [
            {"role": role.role, "institution": role.institution.name if role.institution else None}
            for role in ContestRole.objects.filter(user=person, contest=contest).select_related("institution")
        ],
        "teams": [
            {
                "name": m.team.name,
                "institution": m.team.institution.name,
                "role": m.role,
                "role_in_the_film": m.job,
                "created_at": _iso(m.team.created_at),
            }
            for m in memberships
        ],
        "entries": [
            {
                "code": entry.code,
                "title": entry.title,
                "status": entry.status,
                "synopsis_fr": entry.synopsis_fr,
                "synopsis_en": entry.synopsis_en,
                "credits": entry.credits,
                "language": entry.language,
                "runtime_s": entry.runtime_s,
                "subtitle_file": entry.subtitle_file.name or None,
                "content_warnings": [w.code for w in entry.content_warnings.all()],
                "consent_on_screen": entry.consent_on_screen,
                "rights_cleared": entry.rights_cleared,
                "rules_accepted": entry.rules_accepted,
                "submitted_at": _iso(entry.submitted_at),
                "created_at": _iso(entry.created_at),
                "disqualification_reason": entry.disqualification_reason,
            }
            for entry in entries
        ],
        "films": [
            {
                "entry": film.entry.code,
                "original_name": film.original_name,
                "size": film.size,
                "state": film.state,
                "uploaded_by_this_person": film.uploaded_by_id == person.pk,
                "created_at": _iso(film.created_at),
                "replaced_at": _iso(film.replaced_at),
            }
            for film in films.select_related("entry")
        ],
        "uploads_started": Upload.objects.filter(created_by=person, entry__contest=contest).count(),
        "invitations": [
            {
                "kind": invitation.kind,
                "created_at": _iso(invitation.created_at),
                "expires_at": _iso(invitation.expires_at),
                "accepted_at": _iso(invitation.accepted_at),
            }
            for invitation in Invitation.objects.filter(contest=contest, email__iexact=person.email).order_by("pk")
        ],
        "jury": {
            "rounds": list(
                RoundJuror.objects.filter(user=person, round__contest=contest).values_list("round__name_en", flat=True)
            ),
            "conflicts": [
                {"kind": c.kind, "entry": c.entry.code if c.entry else None, "team": c.team.name if c.team else None}
                for c in Conflict.objects.filter(juror=person, contest=contest).select_related("entry", "team")
            ],
            "content_opt_outs": list(
                ContentOptOut.objects.filter(juror=person, contest=contest).values_list(
                    "content_warning__code", flat=True
                )
            ),
            "discussion_messages": [
                {"entry": message.entry.code, "at": _iso(message.created_at), "text": message.text}
                for message in DiscussionMessage.objects.filter(author=person, round__contest=contest)
                .select_related("entry")
                .order_by("pk")
            ],
            "final_vote_ballots": [
                {"round": paper.vote.round.name_fr, "ranking": paper.ranking, "cast_at": _iso(paper.cast_at)}
                for paper in BallotPaper.objects.filter(juror=person, vote__round__contest=contest)
                .select_related("vote__round")
                .order_by("pk")
            ],
            "wishes": [
                {"round": wish.round.name_fr, "entry": wish.entry.code, "wish": wish.wish}
                for wish in AssignmentWish.objects.filter(juror=person, round__contest=contest)
                .select_related("round", "entry")
                .order_by("pk")
            ],
            "mail_choices": [
                {"reminders": choice.reminders, "digest": choice.digest}
                for choice in JurorMailPreference.objects.filter(juror=person, contest=contest)
            ],
            "reviews": [
                {
                    "round": assignment.round.name_en or assignment.round.name_fr,
                    "entry": assignment.entry.code,
                    "status": reviews[assignment.pk].status if assignment.pk in reviews else None,
                    "comment_for_the_jury": reviews[assignment.pk].private_comment if assignment.pk in reviews else "",
                    "feedback_for_the_team": reviews[assignment.pk].team_feedback if assignment.pk in reviews else "",
                    "watched_seconds": reviews[assignment.pk].watched_seconds if assignment.pk in reviews else 0,
                    "scores": scores.get(assignment.pk, []),
                }
                for assignment in assignments
            ],
        },
        "community_member": CommunityMember.objects.filter(contest=contest, email__iexact=person.email).exists(),
        "release_subscription": ReleaseSubscription.objects.filter(contest=contest, user=person).exists(),
        "notifications_sent": [
            _iso(sent_at)
            for sent_at in NotificationSent.objects.filter(
                recipient=person, step__release__contest=contest
            ).values_list("sent_at", flat=True)
        ],
        "people_on_screen_listed": [_person_on_screen(listed) for listed in listed_people],
        "on_screen_consents": [_person_on_screen(listed) for listed in appearances],
        "group_messages_received": [
            {"subject": delivery.message.subject, "sent_at": _iso(delivery.sent_at)}
            for delivery in GroupMessageDelivery.objects.filter(user=person, message__contest=contest)
            .select_related("message")
            .order_by("pk")
        ],
        "activity": [
            {"at": _iso(event.created_at), "verb": event.verb, "data": event.data}
            for event in AuditEvent.objects.filter(actor=person, contest=contest).order_by("created_at", "pk")
        ],
        "viewings": [
            {
                "entry": session.film.entry.code,
                "as": session.kind,
                "started_at": _iso(session.started_at),
                "browser": session.user_agent,
                "seconds_delivered": session.deliveries.count(),
            }
            for session in ViewingSession.objects.filter(user=person, film__entry__contest=contest)
            .select_related("film__entry")
            .order_by("pk")
        ],
        "audience_votes": [
            {
                "prize": ballot.vote.prize.name_fr,
                "entry": ballot.entry.code,
                "cast_at": _iso(ballot.cast_at),
                "changed_at": _iso(ballot.changed_at),
                "changes": ballot.changes,
                "ip": ballot.ip,
                "browser": ballot.user_agent,
                "voided": ballot.void_reason if ballot.voided_at else None,
            }
            for ballot in AudienceBallot.objects.filter(
                Q(voter__user=person) | Q(voter__address_hash=address_hash(person.email)), vote__contest=contest
            )
            .select_related("vote__prize", "entry")
            .order_by("pk")
        ],
        "failed_logins": AccessAttempt.objects.filter(username=person.email).count(),
        "logins_recorded": AccessLog.objects.filter(username=person.email).count(),
    }
    record_event(verb="personal_data_exported", actor=by, contest=contest, person=person.pk)
    return data


def is_withdrawn(team: Team) -> bool:
    """A team whose every entry is withdrawn (or that never made one)."""
    return not team.entries.exclude(status=Entry.Status.WITHDRAWN).exists()


def erasable_from(team: Team) -> datetime:
    """When organisers may erase the team: once its submission window (with any extension) is closed."""
    return team.closes_at


def erased_automatically_at(team: Team) -> datetime:
    return team.closes_at + timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)


@dataclass(frozen=True)
class ErasureReport:
    entries: int
    films: int
    storage_objects: int
    members_removed: int
    accounts_deleted: int
    scores_kept: int


def _storage_keys(entries) -> tuple[list[str], list[tuple[str, str]]]:
    films = Film.objects.filter(entry__in=entries)
    keys = list(films.values_list("key", flat=True))
    keys += list(Rendition.objects.filter(film__in=films).values_list("key", flat=True))
    for screener in Screener.objects.filter(film__in=films):
        keys += screener.stored_keys()
    keys += list(Release.objects.filter(entry__in=entries).exclude(poster_key="").values_list("poster_key", flat=True))
    keys += [entry.subtitle_file.name for entry in entries if entry.subtitle_file]
    open_uploads = list(
        Upload.objects.filter(entry__in=entries, state=Upload.State.OPEN).values_list("key", "storage_upload_id")
    )
    keys += list(Upload.objects.filter(entry__in=entries).values_list("key", flat=True))
    return list(dict.fromkeys(keys)), open_uploads


def _delete_from_storage(keys: list[str], open_uploads: list[tuple[str, str]]) -> None:
    for key, storage_upload_id in open_uploads:
        try:
            storage.abort_multipart(key=key, storage_upload_id=storage_upload_id)
        except Exception:  # the bucket's lifecycle rule ends it anyway; the objects below are what matters
            logger.exception("erasure: could not abort multipart upload %s", key)
    for key in keys:
        storage.delete_object(key)


@transaction.atomic
def erase_team(*, team: Team, by: User | None, now: datetime | None = None) -> ErasureReport:
    """Erase a withdrawn team's personal data and files, keeping anonymised scores.

    Deletes: films, renditions, uploads, releases (and share links) of its entries, the changes to their text it
    proposed (EntryEdit), the people on screen it listed and their answers, and their storage objects (after commit, with any open multipart upload); the team's
    memberships and invitations; the accounts of members who have no other role anywhere. Blanks: entry titles, synopses, credits, subtitles; juror comments on these entries; the
    data of audit events about them. Keeps: team, entries, assignments and scores under neutral names.
    Writes Erasure and an AuditEvent `team_erased` (counts only).
    Raises PersonalDataError("not_withdrawn" | "contest_open" | "awarded" | "already_erased")."""
    now = now or timezone.now()
    team = Team.objects.select_for_update().select_related("contest").get(pk=team.pk)
    if Erasure.objects.filter(team=team).exists():
        raise PersonalDataError("already_erased", _("This team's data was already erased."))
    if not is_withdrawn(team):
        raise PersonalDataError(
            "not_withdrawn", _("Only a team that withdrew all its entries can be erased before the archive is kept.")
        )
    if now <= erasable_from(team):
        raise PersonalDataError(
            "contest_open", _("Submissions are still open for this team: erase its data once they close.")
        )
    entries = list(Entry.objects.filter(team=team))
    if Award.objects.filter(entry__in=entries).exists():
        raise PersonalDataError("awarded", _("An entry of this team has an award: remove the award first."))

    keys, open_uploads = _storage_keys(entries)
    film_count = Film.objects.filter(entry__in=entries).count()
    members = list(User.objects.filter(team_memberships__team=team))
    assignments = Assignment.objects.filter(entry__in=entries)
    scores_kept = Score.objects.filter(assignment__in=assignments).count()

    Release.objects.filter(entry__in=entries).delete()
    Rendition.objects.filter(film__entry__in=entries).delete()
    Film.objects.filter(entry__in=entries).delete()
    Upload.objects.filter(entry__in=entries).delete()
    Review.objects.filter(assignment__in=assignments).update(private_comment="", team_feedback="")
    FeedbackModeration.objects.filter(review__assignment__in=assignments).delete()
    EntryEdit.objects.filter(entry__in=entries).delete()
    PersonOnScreen.objects.filter(entry__in=entries).delete()  # and their answers: the film is no longer shown
    for entry in entries:
        entry.title = str(_("Erased entry %(code)s") % {"code": entry.code})
        entry.synopsis_fr = entry.synopsis_en = entry.credits = entry.language = ""
        entry.disqualification_reason = ""
        entry.subtitle_file = ""
        entry.save(
            update_fields=[
                "title", "synopsis_fr", "synopsis_en", "credits", "language", "disqualification_reason",
                "subtitle_file", "updated_at",
            ]
        )  # fmt: skip
    AuditEvent.objects.filter(entry__in=entries).update(data={}, actor=None)
    AuditEvent.objects.filter(contest=team.contest, data__team=team.pk).update(data={"team": team.pk}, actor=None)
    Invitation.objects.filter(team=team).delete()
    # Their audience votes stay counted, by nobody one can find: the address hash becomes random, the account unlinked.
    for voter in Voter.objects.filter(
        Q(user__in=members) | Q(address_hash__in=[address_hash(member.email) for member in members]),
        contest=team.contest,
    ):
        voter.address_hash = address_hash(new_token())
        voter.user = None
        voter.ip = None
        voter.save(update_fields=["address_hash", "user", "ip"])
        AudienceBallot.objects.filter(voter=voter).update(ip=None, network="", user_agent="")
    TeamMember.objects.filter(team=team).delete()
    team.name = str(_("Erased team %(number)s") % {"number": team.pk})
    team.save(update_fields=["name"])

    deleted_accounts = 0
    for member in members:
        if not member.team_memberships.exists() and not member.contest_roles.exists() and not member.is_staff:
            AuditEvent.objects.filter(actor=member).update(actor=None)
            member.delete()
            deleted_accounts += 1

    report = ErasureReport(
        entries=len(entries),
        films=film_count,
        storage_objects=len(keys),
        members_removed=len(members),
        accounts_deleted=deleted_accounts,
        scores_kept=scores_kept,
    )
    Erasure.objects.create(team=team, erased_at=now, erased_by=by, counts=report.__dict__)
    record_event(verb="team_erased", actor=by, contest=team.contest, team=team.pk, **report.__dict__)
    transaction.on_commit(lambda: _delete_from_storage(keys, open_uploads))
    return report


def teams_due_for_erasure(now: datetime | None = None):
    """Withdrawn, not yet erased teams whose retention period after the close has passed."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    candidates = (
        Team.objects.filter(erasure__isnull=True, contest__closes_at__lt=cutoff)
        .exclude(entries__status__in=[s for s in Entry.Status.values if s != Entry.Status.WITHDRAWN])
        .select_related("contest")
    )
    return [team for team in candidates if erased_automatically_at(team) < now]


def erase_due_teams(*, now: datetime | None = None) -> int:
    """Erase every team past its retention period (the beat task). Returns how many were erased."""
    erased = 0
    for team in teams_due_for_erasure(now):
        try:
            erase_team(team=team, by=None, now=now)
        except PersonalDataError as error:
            logger.warning("erasure of team %s skipped: %s", team.pk, error.code)
        else:
            erased += 1
    return erased
