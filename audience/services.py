"""Every change of the audience vote: setting it up, verifying an address, casting a ballot, voiding ballots."""

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.errors import ServiceError
from accounts.models import User, hash_token, new_token
from accounts.services import over_limit
from accounts.text import one_line
from contest.models import Entry, Prize, TeamMember
from contest.services import record_event

from . import addresses, permissions
from .models import AudienceBallot, AudienceVote, Voter, VoterLink


class AudienceError(ServiceError):
    pass


@transaction.atomic
def set_up_vote(
    *,
    prize: Prize,
    electorate: str,
    domains: str,
    opens_at: datetime,
    closes_at: datetime,
    require_watched: bool,
    by: User,
    now: datetime | None = None,
) -> AudienceVote:
    """Make `prize` an audience award decided by a vote, or change its vote until it opens. Writes AudienceVote and
    an AuditEvent `audience_vote_set`. Raises AudienceError("already_open" | "window" | "domains_needed")."""
    now = now or timezone.now()
    vote = AudienceVote.objects.select_for_update().filter(prize=prize).first()
    if vote is not None and vote.opens_at <= now:
        raise AudienceError("already_open", _("This vote has opened: its rules can no longer change."))
    if closes_at <= opens_at:
        raise AudienceError("window", _("The vote must close after it opens."))
    if opens_at < now - timedelta(minutes=1):
        raise AudienceError("window", _("The vote cannot open in the past."))
    if electorate not in AudienceVote.Electorate.values:
        raise AudienceError("electorate", _("Choose who may vote."))
    vote = vote or AudienceVote(contest_id=prize.contest_id, prize=prize, created_by=by)
    vote.electorate = electorate
    vote.domains = one_line(domains) if electorate == AudienceVote.Electorate.DOMAINS else ""
    if electorate == AudienceVote.Electorate.DOMAINS and not vote.domain_list():
        raise AudienceError("domains_needed", _("List the domains whose addresses may vote, e.g. lycee-gouges.fr."))
    vote.opens_at, vote.closes_at, vote.require_watched = opens_at, closes_at, require_watched
    vote.save()
    record_event(
        verb="audience_vote_set",
        actor=by,
        contest=prize.contest,
        prize=prize.pk,
        electorate=electorate,
        domains=vote.domain_list(),
        opens_at=opens_at.isoformat(),
        closes_at=closes_at.isoformat(),
        require_watched=require_watched,
    )
    return vote


@transaction.atomic
def remove_vote(*, vote: AudienceVote, by: User, now: datetime | None = None) -> None:
    """Take the vote away before it opens. Deletes the AudienceVote; writes an AuditEvent `audience_vote_removed`.
    Raises AudienceError("already_open")."""
    if vote.opens_at <= (now or timezone.now()):
        raise AudienceError("already_open", _("This vote has opened: it can no longer be removed."))
    record_event(verb="audience_vote_removed", actor=by, contest=vote.contest, prize=vote.prize_id)
    vote.delete()


@transaction.atomic
def close_vote(*, vote: AudienceVote, by: User, now: datetime | None = None) -> AudienceVote:
    """Close an open vote at this second, before its planned close. Writes AudienceVote.closes_at and an AuditEvent
    `audience_vote_closed`. Raises AudienceError("not_open")."""
    now = now or timezone.now()
    vote = AudienceVote.objects.select_for_update().get(pk=vote.pk)
    if not vote.is_open(now):
        raise AudienceError("not_open", _("This vote is not open."))
    planned = vote.closes_at
    vote.closes_at = now
    vote.save(update_fields=["closes_at"])
    record_event(
        verb="audience_vote_closed",
        actor=by,
        contest=vote.contest,
        prize=vote.prize_id,
        at=now.isoformat(),
        planned=planned.isoformat(),
    )
    return vote


def request_link(
    *, vote: AudienceVote, address: str, ip: str | None, language: str, now: datetime | None = None
) -> VoterLink:
    """Mail a single-use link that verifies `address` for the votes of the contest. Writes a VoterLink (the token's
    hash only) and sends one mail, in `language` (the link is deleted if the mail server refuses). Raises AudienceError("closed" | "community_only" |
    "invalid_address" | "throwaway" | "domain" | "too_many" | "mail_failed")."""
    now = now or timezone.now()
    if vote.is_closed(now):
        raise AudienceError("closed", _("This vote is closed."))
    if vote.electorate == AudienceVote.Electorate.COMMUNITY:
        raise AudienceError("community_only", _("This vote is for the contest's community: sign in to vote."))
    address = addresses.normalized(address)
    try:
        validate_email(address)
    except ValidationError:
        raise AudienceError("invalid_address", _("Enter an email address, e.g. camille@lycee-gouges.fr.")) from None
    domain = addresses.domain_of(address)
    if addresses.is_throwaway(domain):
        raise AudienceError(
            "throwaway", _("Addresses of throwaway mail services cannot vote: use your school or personal address.")
        )
    if vote.electorate == AudienceVote.Electorate.DOMAINS and not addresses.in_domains(domain, vote.domain_list()):
        raise AudienceError(
            "domain",
            _("Only addresses at %(domains)s may vote for this prize.") % {"domains": ", ".join(vote.domain_list())},
        )
    hashed = addresses.address_hash(address)
    if over_limit(
        scope="audience-link-ip", key=ip or "", limit=settings.AUDIENCE_LINKS_PER_IP_PER_HOUR, seconds=3600
    ) or over_limit(
        scope="audience-link-address", key=hashed, limit=settings.AUDIENCE_LINKS_PER_ADDRESS_PER_HOUR, seconds=3600
    ):
        raise AudienceError(
            "too_many", _("Too many links were asked for this address or from this network: try again in an hour.")
        )
    token = new_token()
    link = VoterLink.objects.create(
        contest_id=vote.contest_id,
        vote=vote,
        address_hash=hashed,
        domain=domain,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(minutes=settings.AUDIENCE_LINK_MINUTES),
        ip=ip,
    )
    try:
        _mail_link(vote=vote, address=address, token=token, language=language)
    except (smtplib.SMTPException, OSError):
        link.delete()
        raise AudienceError(
            "mail_failed", _("The mail could not be sent just now. Try again in a few minutes.")
        ) from None
    return link


def _mail_link(*, vote: AudienceVote, address: str, token: str, language: str) -> None:
    contest = vote.contest
    with translation.override(language or settings.LANGUAGE_CODE), timezone.override(contest.tzinfo):
        context = {
            "contest": contest,
            "vote": vote,
            "url": settings.SITE_URL.rstrip("/")
            + reverse("audience:confirm", kwargs={"contest_slug": contest.slug, "token": token}),
            "minutes": settings.AUDIENCE_LINK_MINUTES,
        }
        subject = one_line(render_to_string("audience/mail/link_subject.txt", context))
        body = render_to_string("audience/mail/link_body.txt", context)
    send_mail(subject, body, None, [address])


def confirm_link(*, token: str, now: datetime | None = None) -> tuple[Voter, AudienceVote]:
    """Use a verification link: once, before it expires. Marks the VoterLink used; writes the Voter the first time
    its address is verified. Raises AudienceError("link_invalid")."""
    now = now or timezone.now()
    link = VoterLink.objects.select_related("vote").filter(token_hash=hash_token(token or "")).first()
    claimed = (
        link is not None
        and VoterLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now) == 1
    )
    if not claimed:
        raise AudienceError(
            "link_invalid", _("This link has expired or was already used. Ask for a new one on the vote's page.")
        )
    voter = _voter(contest_id=link.contest_id, address_hash=link.address_hash, domain=link.domain, ip=link.ip, now=now)
    return voter, link.vote


def community_voter(*, vote: AudienceVote, user: User, now: datetime | None = None) -> Voter:
    """The voter a signed-in account is: its verified address's. Writes the Voter the first time."""
    voter = _voter(
        contest_id=vote.contest_id,
        address_hash=addresses.address_hash(user.email),
        domain=addresses.domain_of(user.email),
        ip=None,
        now=now or timezone.now(),
    )
    if voter.user_id is None:
        Voter.objects.filter(pk=voter.pk, user__isnull=True).update(user=user)
        voter.user = user
    return voter


def _voter(*, contest_id: int, address_hash: str, domain: str, ip: str | None, now: datetime) -> Voter:
    try:
        with transaction.atomic():
            voter, _ = Voter.objects.get_or_create(
                contest_id=contest_id,
                address_hash=address_hash,
                defaults={"domain": domain, "verified_at": now, "ip": ip},
            )
    except IntegrityError:  # the same address verified twice at once
        voter = Voter.objects.get(contest_id=contest_id, address_hash=address_hash)
    return voter


@dataclass(frozen=True)
class Cast:
    ballot: AudienceBallot
    changed: bool  # False when it was already the voter's choice


def cast_ballot(
    *,
    vote: AudienceVote,
    voter: Voter,
    entry: Entry,
    watcher: permissions.Watcher,
    ip: str | None,
    user_agent: str,
    now: datetime | None = None,
) -> Cast:
    """Vote for `entry`, or change the vote, while the vote is open. Writes or updates the voter's AudienceBallot
    (one per prize). Raises AudienceError("not_open" | "not_eligible" | "not_shown" | "own_team" | "not_watched" |
    "too_many")."""
    now = now or timezone.now()
    if not vote.is_open(now):
        raise AudienceError("not_open", _("This vote is not open."))
    refusal = permissions.electorate_refusal(vote, voter, watcher.viewer)
    if refusal is not None:
        raise AudienceError("not_eligible", refusal)
    if entry.pk not in permissions.votable_entry_ids(vote, watcher.viewer, at=now):
        raise AudienceError("not_shown", _("This film cannot be voted for (any more)."))
    if _is_own_team(voter, entry):
        raise AudienceError("own_team", _("Members of a team cannot vote for their own team's film."))
    watched = permissions.watched_most(entry, watcher)
    if vote.require_watched and watched is False:
        raise AudienceError("not_watched", _("Watch most of the film (at least 80 %) before voting for it."))
    if over_limit(
        scope="audience-ballot-ip", key=ip or "", limit=settings.AUDIENCE_BALLOTS_PER_IP_PER_MINUTE, seconds=60
    ):
        raise AudienceError("too_many", _("Too many votes from this network at once: try again in a minute."))
    values = {
        "entry": entry,
        "changed_at": now,
        "ip": ip,
        "network": addresses.network_of(ip),
        "user_agent": user_agent[:300],
        "watched": watched,
    }
    with transaction.atomic():
        ballot = AudienceBallot.objects.select_for_update().filter(vote=vote, voter=voter).first()
        if ballot is None:
            try:
                with transaction.atomic():
                    return Cast(AudienceBallot.objects.create(vote=vote, voter=voter, cast_at=now, **values), True)
            except IntegrityError:  # the same voter's first vote sent twice at once: the other one is there now
                ballot = AudienceBallot.objects.select_for_update().get(vote=vote, voter=voter)
        if ballot.entry_id == entry.pk:
            return Cast(ballot, False)
        for name, value in values.items():
            setattr(ballot, name, value)
        ballot.changes += 1
        ballot.save()
    return Cast(ballot, True)


def _is_own_team(voter: Voter, entry: Entry) -> bool:
    members = TeamMember.objects.filter(team_id=entry.team_id).select_related("user")
    return any(
        member.user_id == voter.user_id or addresses.address_hash(member.user.email) == voter.address_hash
        for member in members
    )


@transaction.atomic
def void_ballots(
    *, vote: AudienceVote, ballot_ids: list[int], reason: str, by: User, now: datetime | None = None
) -> int:
    """Take ballots out of the count, after the close, with a reason. Writes AudienceBallot.voided_* and an
    AuditEvent `audience_ballots_voided` (how many, which ballots, why). Raises AudienceError("not_closed" |
    "reason_required" | "nothing")."""
    now = now or timezone.now()
    if not vote.is_closed(now):
        raise AudienceError("not_closed", _("Votes can be voided once the vote is closed."))
    reason = one_line(reason)
    if not reason:
        raise AudienceError("reason_required", _("Say why these votes are voided: the count will show it."))
    ballots = AudienceBallot.objects.select_for_update().filter(vote=vote, pk__in=ballot_ids, voided_at__isnull=True)
    ids = sorted(ballots.values_list("pk", flat=True))
    if not ids:
        raise AudienceError("nothing", _("Choose at least one vote that is not voided yet."))
    AudienceBallot.objects.filter(pk__in=ids).update(voided_at=now, voided_by=by, void_reason=reason[:300])
    record_event(
        verb="audience_ballots_voided",
        actor=by,
        contest=vote.contest,
        prize=vote.prize_id,
        count=len(ids),
        ballots=ids,
        reason=reason,
    )
    return len(ids)
