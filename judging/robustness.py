"""Whether the official order holds: the top entries' ranks by the other reasonable ways of combining the
reviews' totals and when any one juror is left out (`ranking_robustness`, on plain numbers), and the sentence the
results page, its export and the API give for each (`robustness_text`)."""

import bisect
import statistics
from dataclasses import dataclass

from django.utils.translation import gettext, ngettext, pgettext

from .results import TIE_DECIMALS, Results, ReviewTotal

# Ways of combining an entry's totals that a jury could reasonably have chosen, the official one (per-juror z-scores,
# as compute_results ranks) first. The trimmed mean leaves out the highest and the lowest total once an entry has
# three or more (as sports judging does); below that it is the mean.
METHODS = ("z_scores", "mean", "median", "trimmed_mean")


@dataclass(frozen=True)
class Robustness:
    """How one entry's official rank fares: `ranks`, its rank by each of METHODS; `without`, juror id -> its rank
    when that juror's reviews are left out, for the jurors who reviewed anything (None: no review of it is left)."""

    entry_id: int
    rank: int
    ranks: dict[str, int]
    without: dict[int, int | None]

    @property
    def agreeing_methods(self) -> int:
        return sum(rank == self.rank for rank in self.ranks.values())

    @property
    def changed_by(self) -> dict[int, int | None]:
        return {juror: rank for juror, rank in self.without.items() if rank != self.rank}


def _trimmed_mean(totals: list[float]) -> float:
    if len(totals) < 3:
        return statistics.fmean(totals)
    return statistics.fmean(sorted(totals)[1:-1])


def _ranks(scores: dict[int, float]) -> dict[int, int]:
    """Competition ranks (1 + how many score strictly more, at TIE_DECIMALS), as compute_results ranks."""
    keys = {entry: round(score, TIE_DECIMALS) for entry, score in scores.items()}
    negated = sorted(-key for key in keys.values())
    return {entry: bisect.bisect_left(negated, -key) + 1 for entry, key in keys.items()}


def ranking_robustness(*, results: Results, reviews: list[ReviewTotal], top: int = 3) -> list[Robustness]:
    """For the `top` entries of `results` (compute_results on `reviews`), their ranks by every method and without
    each juror. Leaving a juror out changes only the entries they reviewed (the others' z-scores stand), so each
    juror costs their own reviews, not a whole new count: the results page of a big contest stays fast."""
    ranked = [result for result in results.entries if result.rank is not None]
    chosen = [result for result in ranked if result.rank <= top]
    if not chosen:
        return []
    by_entry: dict[int, list[ReviewTotal]] = {}
    reviewed: dict[int, list[int]] = {}  # juror -> the entries they reviewed
    for review in reviews:
        by_entry.setdefault(review.entry_id, []).append(review)
        reviewed.setdefault(review.juror_id, []).append(review.entry_id)
    method_ranks = {
        "z_scores": {result.entry_id: result.rank for result in ranked},
        "mean": _ranks({entry: statistics.fmean(r.total for r in own) for entry, own in by_entry.items()}),
        "median": _ranks({entry: statistics.median(r.total for r in own) for entry, own in by_entry.items()}),
        "trimmed_mean": _ranks({entry: _trimmed_mean([r.total for r in own]) for entry, own in by_entry.items()}),
    }

    stats = {juror.juror_id: (juror.mean, juror.sd) for juror in results.jurors}

    def z_score(review: ReviewTotal) -> float:
        mean, sd = stats[review.juror_id]
        return (review.total - mean) / sd if sd > 0 else 0.0

    base = {result.entry_id: round(result.normalised, TIE_DECIMALS) for result in ranked}
    descending = sorted(-key for key in base.values())  # ascending negatives: bisect counts the keys above

    def above(key: float) -> int:
        return bisect.bisect_left(descending, -key)

    without: dict[int, dict[int, int | None]] = {result.entry_id: {} for result in chosen}
    for juror, entries in sorted(reviewed.items()):
        changed: dict[int, float | None] = {}
        for entry in entries:  # one review per juror and entry
            rest = [z_score(review) for review in by_entry[entry] if review.juror_id != juror]
            changed[entry] = round(statistics.fmean(rest), TIE_DECIMALS) if rest else None
        for result in chosen:
            own = changed.get(result.entry_id, base[result.entry_id])
            if own is None:
                without[result.entry_id][juror] = None
                continue
            count = above(own)
            if base[result.entry_id] > own:
                count -= 1  # itself, counted above at its old score
            for entry, key in changed.items():
                if entry == result.entry_id:
                    continue
                count -= base[entry] > own
                count += key is not None and key > own
            without[result.entry_id][juror] = count + 1
    return [
        Robustness(
            entry_id=result.entry_id,
            rank=result.rank,
            ranks={method: method_ranks[method][result.entry_id] for method in METHODS},
            without=without[result.entry_id],
        )
        for result in chosen
    ]


def method_label(method: str) -> str:
    return {
        "z_scores": gettext("per-juror z-scores"),
        "mean": gettext("weighted mean"),
        "median": gettext("median"),
        "trimmed_mean": gettext("trimmed mean"),
    }[method]


def ordinal(rank: int | None) -> str:
    """« premier », « deuxième »… (a film: masculine in French); « non classé » for None."""
    if rank is None:
        return gettext("unranked")
    words = {
        1: pgettext("rank", "first"),
        2: pgettext("rank", "second"),
        3: pgettext("rank", "third"),
        4: pgettext("rank", "fourth"),
        5: pgettext("rank", "fifth"),
    }
    return words.get(rank) or pgettext("rank", "no. %(rank)d") % {"rank": rank}


def robustness_text(item: Robustness, *, title: str, jurors: dict[int, str]) -> str:
    """« Sans voix est premier selon 4 méthodes sur 4 et quel que soit le juré retiré. », or which methods and
    jurors change its rank. `jurors`: juror id -> the name shown on the results page."""
    values = {"title": title, "rank": ordinal(item.rank), "agreeing": item.agreeing_methods, "methods": len(METHODS)}
    changed = item.changed_by
    if item.agreeing_methods == len(METHODS) and not changed:
        return (
            ngettext(
                "%(title)s is %(rank)s by %(agreeing)d method of %(methods)d and whichever juror is left out.",
                "%(title)s is %(rank)s by %(agreeing)d methods of %(methods)d and whichever juror is left out.",
                item.agreeing_methods,
            )
            % values
        )
    text = (
        ngettext(
            "%(title)s is %(rank)s by %(agreeing)d method of %(methods)d",
            "%(title)s is %(rank)s by %(agreeing)d methods of %(methods)d",
            item.agreeing_methods,
        )
        % values
    )
    differing = [
        gettext("%(method)s: %(rank)s") % {"method": method_label(method), "rank": ordinal(rank)}
        for method, rank in item.ranks.items()
        if rank != item.rank
    ]
    separator = gettext("; ")  # « ; » in French
    if differing:
        text += " (" + separator.join(differing) + ")"
    if not changed:
        return text + gettext(", whichever juror is left out.")
    without = [
        gettext("without %(juror)s, %(rank)s") % {"juror": jurors.get(juror, "?"), "rank": ordinal(rank)}
        for juror, rank in sorted(changed.items(), key=lambda pair: jurors.get(pair[0], ""))
    ]
    return text + separator + separator.join(without) + "."
