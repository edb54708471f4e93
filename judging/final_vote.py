"""Reads of the jury's final vote: who votes, what each juror's ballot offers them, the turnout, and the count once
the vote is closed (never before: `count` answers None until then, whoever asks)."""

from dataclasses import dataclass
from fractions import Fraction

from django.db.models import QuerySet

from accounts.models import User
from contest.models import Entry, Prize

from . import voting
from .models import BallotPaper, FinalVote, JuryPresident
from .selectors import forbidden_pairs, round_results


def voters(vote: FinalVote) -> QuerySet[User]:
    """The round's active jurors: those who vote."""
    return User.objects.filter(pk__in=vote.round.jurors.filter(active=True).values("user_id")).order_by("pk")


def is_voter(vote: FinalVote, user) -> bool:
    return user.is_authenticated and vote.round.jurors.filter(active=True, user=user).exists()


def juror_vote(round, juror) -> FinalVote | None:
    """The round's vote once open, if `juror` votes in it (for the link on their queue)."""
    vote = FinalVote.objects.filter(round=round, opened_at__isnull=False).first()
    return vote if vote is not None and is_voter(vote, juror) else None


def visible_finalists(vote: FinalVote, juror) -> list[Entry]:
    """The finalists on this juror's ballot, by code: all but those they are in conflict with (never shown to them)."""
    finalists = vote.finalists.order_by("code")
    hidden = {
        entry
        for _, entry in forbidden_pairs(
            contest_id=vote.round.contest_id, round=vote.round, juror_ids=[juror.pk], entries=finalists
        )
    }
    return [entry for entry in finalists if entry.pk not in hidden]


def zscore_order(vote: FinalVote) -> list[int]:
    """The finalists' ids in the round's ranking order (per-juror z-scores), those without a rank after, by code:
    the tie-break fixed when the ballot opens."""
    finalist_ids = set(vote.finalists.values_list("pk", flat=True))
    ranked = [row["entry"]["pk"] for row in round_results(round=vote.round)["rows"] if row["result"].rank is not None]
    order = [pk for pk in ranked if pk in finalist_ids]
    rest = vote.finalists.exclude(pk__in=order).order_by("code").values_list("pk", flat=True)
    return order + list(rest)


def tiebreak_order(vote: FinalVote) -> list[int]:
    """The strict order ties go by: the round's z-score ranking fixed at the opening, or, with the president's
    casting vote, the president's own ballot first (read at the count, after the close) and that ranking after."""
    order = list(vote.tiebreak_order) or sorted(vote.finalists.values_list("pk", flat=True))
    if vote.tiebreak != FinalVote.TieBreak.PRESIDENT:
        return order
    president = JuryPresident.objects.filter(contest=vote.round.contest_id).values_list("user", flat=True).first()
    casting = next(iter(vote.ballots.filter(juror=president).values_list("ranking", flat=True)), [])
    first = [pk for pk in casting if pk in order]
    return first + [pk for pk in order if pk not in first]


def ballot_of(vote: FinalVote, juror) -> BallotPaper | None:
    return BallotPaper.objects.filter(vote=vote, juror=juror).first()


@dataclass(frozen=True)
class Turnout:
    cast: int
    voters: int


def turnout(vote: FinalVote) -> Turnout:
    return Turnout(cast=vote.ballots.count(), voters=voters(vote).count())


def vote_prizes(vote: FinalVote) -> list[Prize]:
    return list(vote.prizes.order_by("order", "name_fr", "pk"))


@dataclass(frozen=True)
class Count:
    """A closed vote's count, with entries in place of ids. `matrix` rows and columns follow `ranking`;
    `rounds` (transferable vote) list each round's votes per entry (None: out of the count by then)."""

    vote: FinalVote
    ballots: int
    ranking: list[Entry]
    proposals: list[tuple[Prize, Entry]]  # each prize, in order, with the entry the count gives it
    matrix: list[
        tuple[Entry, list[int | None]]
    ]  # pairwise methods: ballots ranking the row's entry above each column's
    paths: list[tuple[Entry, list[int | None]]]  # Schulze: strongest path strengths, same layout
    locked: list[tuple[Entry, Entry]]
    skipped: list[tuple[Entry, Entry]]
    rounds: list[dict]  # transferable vote: {"votes": [(entry, votes text or None)], "elected", "eliminated", …}
    quota: int | None


def votes_text(votes: Fraction | None) -> str | None:
    """A transferable count's votes for people: "7", or "6.40" when surpluses split them."""
    if votes is None:
        return None
    return str(votes.numerator) if votes.denominator == 1 else f"{float(votes):.2f}"


def _grid(order: list[int], table: dict, entries: dict[int, Entry]) -> list[tuple[Entry, list[int | None]]]:
    return [(entries[a], [None if a == b else table[a][b] for b in order]) for a in order]


def count(vote: FinalVote) -> Count | None:
    """The count of a closed vote; None while it is not closed (nobody sees a partial count)."""
    if vote.state() != "closed":
        return None
    entries = {entry.pk: entry for entry in vote.finalists.all()}
    finalists = tiebreak_order(vote)
    ballots = [paper.ranking for paper in vote.ballots.order_by("pk")]
    prizes = vote_prizes(vote)
    matrix = paths = []
    locked = skipped = []
    rounds: list[dict] = []
    quota = None
    if vote.method == FinalVote.Method.STV:
        result = voting.count_single_transferable_vote(
            finalists=finalists, ballots=ballots, tiebreak=finalists, seats=len(prizes)
        )
        winners = result.elected
        quota = result.quota
        for item in result.rounds:
            rounds.append(
                {
                    "votes": [(entries[pk], votes_text(item.votes.get(pk))) for pk in finalists],
                    "elected": [entries[pk] for pk in item.elected],
                    "eliminated": entries[item.eliminated] if item.eliminated is not None else None,
                    "exhausted": votes_text(item.exhausted),
                }
            )
    else:
        counter = voting.count_schulze if vote.method == FinalVote.Method.SCHULZE else voting.count_ranked_pairs
        result = counter(finalists=finalists, ballots=ballots, tiebreak=finalists)
        winners = result.ranking
        matrix = _grid(result.ranking, result.matrix, entries)
        paths = _grid(result.ranking, result.paths, entries) if result.paths else []
        locked = [(entries[a], entries[b]) for a, b in result.locked]
        skipped = [(entries[a], entries[b]) for a, b in result.skipped]
    return Count(
        vote=vote,
        ballots=len(ballots),
        ranking=[entries[pk] for pk in result.ranking],
        proposals=[(prize, entries[pk]) for prize, pk in zip(prizes, winners, strict=False)],
        matrix=matrix,
        paths=paths,
        locked=locked,
        skipped=skipped,
        rounds=rounds,
        quota=quota,
    )


def vote_choice(*, prize: Prize) -> Entry | None:
    """The entry a closed final vote gives this prize, if a vote decided it."""
    for vote in FinalVote.objects.filter(prizes=prize, closed_at__isnull=False).select_related("round__contest"):
        for decided, entry in count(vote).proposals:
            if decided.pk == prize.pk:
                return entry
    return None
