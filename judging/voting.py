"""Counting the jury's secret ballot for prizes, on plain data (no database).

A ballot ranks finalists, most preferred first; finalists it leaves out come after those it ranks, tied among
themselves. Three methods, chosen before the ballot opens:
- `count_schulze`: the beatpath method (Schulze 2011); the count is the pairwise matrix and the strongest paths.
- `count_ranked_pairs`: Tideman's ranked pairs, pairs locked in order of winning votes; the count is the matrix and
  the pairs locked or skipped.
- `count_single_transferable_vote`: for `seats` prizes, Droop quota, surpluses transferred at fractional value
  (Gregory), exact with fractions; with one seat this is instant-runoff. The count is its rounds.
Ties that the ballots leave are broken by `tiebreak`, a strict order of all finalists fixed before the ballot opens
(the president's own ranking for a casting vote, or the results' z-score ranking): earlier in it wins.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

Finalist = Hashable
Ballot = Sequence[Finalist]


class BallotError(ValueError):
    """A ballot or tie-break order that cannot be counted; the message says which and why."""


@dataclass(frozen=True)
class PairwiseCount:
    """`ranking`: all finalists, winner first. `matrix[a][b]`: ballots that rank a above b. `paths[a][b]`: the
    strength of the strongest path from a to b (Schulze only). `locked` / `skipped`: the pairs (winner, loser) in the
    order they were considered (ranked pairs only)."""

    method: str
    ranking: list[Finalist]
    matrix: dict[Finalist, dict[Finalist, int]]
    paths: dict[Finalist, dict[Finalist, int]] = field(default_factory=dict)
    locked: list[tuple[Finalist, Finalist]] = field(default_factory=list)
    skipped: list[tuple[Finalist, Finalist]] = field(default_factory=list)


@dataclass(frozen=True)
class Round:
    """One round of a transferable count: each continuing finalist's votes at its start, who was elected or
    eliminated in it, and the votes that could go to nobody still in the count."""

    votes: dict[Finalist, Fraction]
    elected: list[Finalist]
    eliminated: Finalist | None
    exhausted: Fraction


@dataclass(frozen=True)
class TransferableCount:
    """`ranking`: the elected in the order of election, then the others in reverse order of elimination."""

    method: str
    seats: int
    quota: int
    ranking: list[Finalist]
    elected: list[Finalist]
    rounds: list[Round]


def _check(finalists: Sequence[Finalist], ballots: Sequence[Ballot], tiebreak: Sequence[Finalist]) -> None:
    if len(set(finalists)) != len(finalists) or not finalists:
        raise BallotError("The finalists must be distinct, and there must be at least one.")
    known = set(finalists)
    if len(tiebreak) != len(known) or set(tiebreak) != known:
        raise BallotError("The tie-break order must list every finalist once.")
    for number, ballot in enumerate(ballots, start=1):
        if len(set(ballot)) != len(ballot):
            raise BallotError(f"Ballot {number} ranks a finalist twice.")
        if not set(ballot) <= known:
            raise BallotError(f"Ballot {number} ranks someone who is not a finalist.")


def _positions(tiebreak: Sequence[Finalist]) -> dict[Finalist, int]:
    """Each finalist's place in the tie-break order: earlier wins a tie."""
    return {finalist: position for position, finalist in enumerate(tiebreak)}


def pairwise_matrix(finalists: Sequence[Finalist], ballots: Sequence[Ballot]) -> dict[Finalist, dict[Finalist, int]]:
    """`matrix[a][b]`: how many ballots rank a above b (a ranked finalist is above every one left out)."""
    matrix = {a: {b: 0 for b in finalists if b != a} for a in finalists}
    for ballot in ballots:
        unranked = [finalist for finalist in finalists if finalist not in ballot]
        for position, above in enumerate(ballot):
            for below in list(ballot[position + 1 :]) + unranked:
                matrix[above][below] += 1
    return matrix


def _order(finalists, beats, tiebreak) -> list[Finalist]:
    """The finalists as the count's relation orders them (a transitive "beats"), ties by the tie-break order:
    repeatedly the first, in tie-break order, of those that nobody left beats."""
    rank = _positions(tiebreak)
    left = sorted(finalists, key=rank.__getitem__)
    ranking = []
    while left:
        top = next(a for a in left if not any(beats(b, a) for b in left if b != a))
        ranking.append(top)
        left.remove(top)
    return ranking


def count_schulze(
    *, finalists: Sequence[Finalist], ballots: Sequence[Ballot], tiebreak: Sequence[Finalist]
) -> PairwiseCount:
    _check(finalists, ballots, tiebreak)
    matrix = pairwise_matrix(finalists, ballots)
    paths = {a: {b: (matrix[a][b] if matrix[a][b] > matrix[b][a] else 0) for b in matrix[a]} for a in finalists}
    for via in finalists:
        for a in finalists:
            if a == via:
                continue
            for b in finalists:
                if b not in (a, via):
                    paths[a][b] = max(paths[a][b], min(paths[a][via], paths[via][b]))
    ranking = _order(finalists, lambda a, b: paths[a][b] > paths[b][a], tiebreak)
    return PairwiseCount(method="schulze", ranking=ranking, matrix=matrix, paths=paths)


def count_ranked_pairs(
    *, finalists: Sequence[Finalist], ballots: Sequence[Ballot], tiebreak: Sequence[Finalist]
) -> PairwiseCount:
    _check(finalists, ballots, tiebreak)
    matrix = pairwise_matrix(finalists, ballots)
    rank = _positions(tiebreak)
    pairs = [(a, b) for a in finalists for b in matrix[a] if matrix[a][b] > matrix[b][a]]
    # Strongest first: more ballots for the winner, then fewer against; equal pairs in the tie-break order.
    pairs.sort(key=lambda pair: (-matrix[pair[0]][pair[1]], matrix[pair[1]][pair[0]], rank[pair[0]], rank[pair[1]]))
    above: dict[Finalist, set[Finalist]] = {finalist: set() for finalist in finalists}  # a -> all a is locked over

    locked, skipped = [], []
    for winner, loser in pairs:
        if winner in above[loser]:  # the loser already stands above the winner: this pair would close a cycle
            skipped.append((winner, loser))
            continue
        locked.append((winner, loser))
        gained = {loser} | above[loser]
        for finalist in finalists:
            if finalist == winner or winner in above[finalist]:
                above[finalist] |= gained
    ranking = _order(finalists, lambda a, b: b in above[a], tiebreak)
    return PairwiseCount(method="ranked_pairs", ranking=ranking, matrix=matrix, locked=locked, skipped=skipped)


def count_single_transferable_vote(
    *, finalists: Sequence[Finalist], ballots: Sequence[Ballot], tiebreak: Sequence[Finalist], seats: int = 1
) -> TransferableCount:
    _check(finalists, ballots, tiebreak)
    if not 1 <= seats <= len(finalists):
        raise BallotError("There must be between one prize and as many prizes as finalists.")
    rank = _positions(tiebreak)
    quota = len(ballots) // (seats + 1) + 1
    # Each ballot travels with its weight: 1, then less after a share of it helped elect someone.
    piles: dict[Finalist, list[tuple[Ballot, Fraction]]] = {finalist: [] for finalist in finalists}
    exhausted = Fraction(0)
    continuing = list(finalists)

    def place(ballot: Ballot, weight: Fraction) -> None:
        nonlocal exhausted
        if weight == 0:
            return
        for finalist in ballot:
            if finalist in continuing:
                piles[finalist].append((ballot, weight))
                return
        exhausted += weight

    for ballot in ballots:
        place(ballot, Fraction(1))

    elected: list[Finalist] = []
    eliminated: list[Finalist] = []
    rounds: list[Round] = []
    while len(elected) < seats:
        votes = {finalist: sum((weight for _, weight in piles[finalist]), Fraction(0)) for finalist in continuing}
        if len(continuing) <= seats - len(elected):
            newly = sorted(continuing, key=lambda finalist: (-votes[finalist], rank[finalist]))
            rounds.append(Round(votes=votes, elected=newly, eliminated=None, exhausted=exhausted))
            elected += newly
            continuing = []
            break
        reached = sorted(
            (finalist for finalist in continuing if votes[finalist] >= quota),
            key=lambda finalist: (-votes[finalist], rank[finalist]),
        )
        if reached:
            rounds.append(Round(votes=votes, elected=reached, eliminated=None, exhausted=exhausted))
            for finalist in reached:
                continuing.remove(finalist)
            elected += reached
            for finalist in reached:
                share = (votes[finalist] - quota) / votes[finalist]
                for ballot, weight in piles.pop(finalist):
                    place(ballot, weight * share)
            continue
        lowest = min(continuing, key=lambda finalist: (votes[finalist], -rank[finalist]))
        rounds.append(Round(votes=votes, elected=[], eliminated=lowest, exhausted=exhausted))
        continuing.remove(lowest)
        eliminated.append(lowest)
        for ballot, weight in piles.pop(lowest):
            place(ballot, weight)
    last = rounds[-1].votes
    unelected = sorted(continuing, key=lambda finalist: (-last[finalist], rank[finalist]))
    return TransferableCount(
        method="single_transferable_vote",
        seats=seats,
        quota=quota,
        ranking=elected + unelected + eliminated[::-1],
        elected=elected,
        rounds=rounds,
    )
