"""What the audience vote's pages read: the turnout, and once the vote is closed its count and anomaly report."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contest.models import Entry, Prize
from judging.award_proposals import Proposal

from .models import AudienceBallot, AudienceVote, Voter

BURST_WINDOW = timedelta(minutes=10)
BURST_BALLOTS = 10  # ballots from one network within the window
BURST_VOTERS = 20  # new addresses verified within the window
ADDRESSES_PER_IP = 5  # distinct voters whose ballots came from one IP


@dataclass(frozen=True)
class Turnout:
    ballots: int
    voters: int  # addresses verified for the contest (all its votes)


def turnout(vote: AudienceVote) -> Turnout:
    return Turnout(
        ballots=AudienceBallot.objects.filter(vote=vote, voided_at__isnull=True).count(),
        voters=Voter.objects.filter(contest_id=vote.contest_id).count(),
    )


@dataclass(frozen=True)
class Line:
    entry: Entry
    votes: int


@dataclass
class Tally:
    lines: list[Line]  # most votes first, then by code
    counted: int
    voided: int
    void_reasons: list[tuple[str, int]]
    per_day: list[tuple[object, int]]  # (date in the contest's zone, ballots first cast that day)
    winner: Entry | None  # None when nobody voted or the first place is shared
    tied: list[Entry] = field(default_factory=list)


def tally(vote: AudienceVote) -> Tally:
    """The count, voided ballots left out (and shown). Call it only when permissions.tally_visible says so."""
    ballots = list(AudienceBallot.objects.filter(vote=vote).select_related("entry").order_by("cast_at", "id"))
    counted = [ballot for ballot in ballots if ballot.voided_at is None]
    votes = Counter(ballot.entry_id for ballot in counted)
    entries = {ballot.entry_id: ballot.entry for ballot in counted}
    lines = sorted((Line(entries[pk], n) for pk, n in votes.items()), key=lambda line: (-line.votes, line.entry.code))
    reasons = Counter(ballot.void_reason for ballot in ballots if ballot.voided_at is not None)
    zone = vote.contest.tzinfo
    days = Counter(timezone.localtime(ballot.cast_at, zone).date() for ballot in counted)
    top = [line.entry for line in lines if lines and line.votes == lines[0].votes]
    return Tally(
        lines=lines,
        counted=len(counted),
        voided=len(ballots) - len(counted),
        void_reasons=sorted(reasons.items()),
        per_day=sorted(days.items()),
        winner=top[0] if len(top) == 1 else None,
        tied=top if len(top) > 1 else [],
    )


@dataclass(frozen=True)
class Anomaly:
    kind: str  # "network_burst" | "addresses_burst" | "shared_ip" | "not_watched" | "no_evidence"
    summary: str
    ballot_ids: list[int]
    start: datetime | None = None
    end: datetime | None = None


def _densest_window(items: list, moment) -> tuple[int, int]:
    """The (start, end) indices of the most items within BURST_WINDOW, items sorted by `moment`."""
    best, start = (0, 0), 0
    for end in range(len(items)):
        while moment(items[end]) - moment(items[start]) > BURST_WINDOW:
            start += 1
        if end - start > best[1] - best[0]:
            best = (start, end)
    return best


def anomalies(vote: AudienceVote) -> list[Anomaly]:
    """What an organiser should look at before trusting the count: bursts of ballots from one network, many new
    addresses in a short time, several addresses voting from one IP, ballots cast without the film watched. Each
    names its ballots, to void them or not."""
    ballots = list(AudienceBallot.objects.filter(vote=vote, voided_at__isnull=True).select_related("voter"))
    found = []
    by_network = defaultdict(list)
    for ballot in ballots:
        if ballot.network:
            by_network[ballot.network].append(ballot)
    for network, group in sorted(by_network.items()):
        group.sort(key=lambda ballot: ballot.cast_at)
        start, end = _densest_window(group, lambda ballot: ballot.cast_at)
        if end - start + 1 >= BURST_BALLOTS:
            window = group[start : end + 1]
            found.append(
                Anomaly(
                    "network_burst",
                    _("%(count)d votes from the network %(network)s within 10 minutes")
                    % {"count": len(window), "network": network},
                    [ballot.pk for ballot in window],
                    window[0].cast_at,
                    window[-1].cast_at,
                )
            )
    by_voter_time = sorted(ballots, key=lambda ballot: ballot.voter.verified_at)
    start, end = _densest_window(by_voter_time, lambda ballot: ballot.voter.verified_at)
    if by_voter_time and end - start + 1 >= BURST_VOTERS:
        window = by_voter_time[start : end + 1]
        found.append(
            Anomaly(
                "addresses_burst",
                _("%(count)d voters verified their address within 10 minutes") % {"count": len(window)},
                [ballot.pk for ballot in window],
                window[0].voter.verified_at,
                window[-1].voter.verified_at,
            )
        )
    by_ip = defaultdict(list)
    for ballot in ballots:
        if ballot.ip:
            by_ip[ballot.ip].append(ballot)
    for ip, group in sorted(by_ip.items()):
        if len({ballot.voter_id for ballot in group}) >= ADDRESSES_PER_IP:
            found.append(
                Anomaly(
                    "shared_ip",
                    _("%(count)d addresses voted from the IP %(ip)s") % {"count": len(group), "ip": ip},
                    sorted(ballot.pk for ballot in group),
                )
            )
    not_watched = sorted(ballot.pk for ballot in ballots if ballot.watched is False)
    if not_watched:
        found.append(
            Anomaly(
                "not_watched",
                ngettext(
                    "%(count)d vote for a film the voter had not watched most of",
                    "%(count)d votes for a film the voter had not watched most of",
                    len(not_watched),
                )
                % {"count": len(not_watched)},
                not_watched,
            )
        )
    unknown = sorted(ballot.pk for ballot in ballots if ballot.watched is None)
    if unknown:
        found.append(
            Anomaly(
                "no_evidence",
                ngettext(
                    "%(count)d vote for a film whose viewing could not be counted (it played without a screener)",
                    "%(count)d votes for a film whose viewing could not be counted (it played without a screener)",
                    len(unknown),
                )
                % {"count": len(unknown)},
                unknown,
            )
        )
    return found


def award_proposal(*, prize: Prize) -> Proposal | None:
    """Registered with judging.award_proposals: the closed audience vote's winner, if one film leads."""
    vote = AudienceVote.objects.filter(prize=prize).select_related("contest").first()
    if vote is None or not vote.is_closed(timezone.now()):
        return None
    winner = tally(vote).winner
    if winner is None:
        return None
    return Proposal(
        winner, "audience_vote", _("The audience vote gives this prize to %(code)s. Say why the jury chose otherwise.")
    )


def ballot_counts_by_prize(contest) -> dict[int, int]:
    return dict(
        AudienceBallot.objects.filter(vote__contest=contest, voided_at__isnull=True)
        .values_list("vote__prize_id")
        .annotate(n=Count("id"))
    )


def open_votes(user, contest, *, at: datetime) -> dict:
    """Registered with contest.selectors.showcase: the contest's votes open at `at`, for its page's buttons."""
    return {"votes": [vote for vote in contest.audience_votes.select_related("prize") if vote.is_open(at)]}
