"""Statistics behind the results page, on plain numbers (no database): per-entry summaries, per-juror
leniency, and a ranking by per-juror z-scores so that a severe juror does not sink the films they drew.

A review's total is its weighted score out of 100: each criterion's value is placed on 0..1 within its scale,
then weighted: total = 100 * sum(w_c * (v_c - min_c) / (max_c - min_c)) / sum(w_c).
"""

import math
import statistics
from dataclasses import dataclass, field

# Two entries whose normalised scores agree to this many decimals are tied.
TIE_DECIMALS = 3
# Reviews of one entry whose standard deviation reaches this many points (out of 100) disagree strongly.
DISAGREEMENT_SD = 20.0
# A juror whose mean is this many overall standard deviations above (below) the overall mean is lenient (severe).
LENIENCY_SD = 0.5


@dataclass(frozen=True)
class ReviewTotal:
    entry_id: int
    juror_id: int
    total: float


@dataclass
class EntryResult:
    entry_id: int
    n: int = 0
    mean: float | None = None
    median: float | None = None
    sd: float | None = None
    low: float | None = None
    high: float | None = None
    normalised: float | None = None
    rank: int | None = None
    tied: bool = False
    disagreement: bool = False


@dataclass
class JurorResult:
    juror_id: int
    n: int = 0
    mean: float | None = None
    sd: float | None = None
    totals: list[float] = field(default_factory=list)
    leaning: str = ""  # "lenient" | "severe" | "typical" | "" (too few scores)


@dataclass
class Results:
    entries: list[EntryResult]
    jurors: list[JurorResult]
    overall_mean: float | None
    overall_sd: float | None


def weighted_total(values: dict[int, float], criteria: dict[int, tuple[float, float, float]]) -> float:
    """`values`: criterion id -> value; `criteria`: criterion id -> (weight, scale_min, scale_max)."""
    weight_sum = sum(weight for weight, _, _ in criteria.values())
    points = sum(
        weight * (values[criterion] - low) / (high - low) for criterion, (weight, low, high) in criteria.items()
    )
    return 100 * points / weight_sum


def _sd(values: list[float]) -> float:
    """Population standard deviation. Not statistics.pstdev: it computes with fractions, and the results page of a
    big contest calls this thousands of times."""
    if len(values) < 2:
        return 0.0
    mean = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((value - mean) ** 2 for value in values) / len(values))


def compute_results(*, entry_ids: list[int], reviews: list[ReviewTotal]) -> Results:
    """Summaries and ranking. Entries without any review are listed last, unranked."""
    by_juror: dict[int, list[float]] = {}
    for review in reviews:
        by_juror.setdefault(review.juror_id, []).append(review.total)
    juror_stats = {juror: (statistics.fmean(totals), _sd(totals)) for juror, totals in by_juror.items()}

    all_totals = [review.total for review in reviews]
    overall_mean = statistics.fmean(all_totals) if all_totals else None
    overall_sd = _sd(all_totals) if all_totals else None

    jurors = []
    for juror, totals in sorted(by_juror.items()):
        mean, sd = juror_stats[juror]
        leaning = ""
        if len(totals) >= 2 and overall_sd:
            gap = (mean - overall_mean) / overall_sd
            leaning = "lenient" if gap >= LENIENCY_SD else "severe" if gap <= -LENIENCY_SD else "typical"
        jurors.append(JurorResult(juror_id=juror, n=len(totals), mean=mean, sd=sd, totals=totals, leaning=leaning))

    by_entry: dict[int, list[ReviewTotal]] = {}
    for review in reviews:
        by_entry.setdefault(review.entry_id, []).append(review)

    results = []
    for entry_id in entry_ids:
        own = by_entry.get(entry_id, [])
        result = EntryResult(entry_id=entry_id, n=len(own))
        if own:
            totals = [review.total for review in own]
            result.mean = statistics.fmean(totals)
            result.median = statistics.median(totals)
            result.sd = _sd(totals)
            result.low, result.high = min(totals), max(totals)
            result.disagreement = result.sd >= DISAGREEMENT_SD
            z_scores = []
            for review in own:
                mean, sd = juror_stats[review.juror_id]
                # A juror who gave everything the same score says nothing about relative merit.
                z_scores.append((review.total - mean) / sd if sd > 0 else 0.0)
            result.normalised = statistics.fmean(z_scores)
        results.append(result)

    ranked = sorted(
        (result for result in results if result.normalised is not None),
        key=lambda result: (-round(result.normalised, TIE_DECIMALS), -result.mean, result.entry_id),
    )
    previous_key = None
    for position, result in enumerate(ranked, start=1):
        key = round(result.normalised, TIE_DECIMALS)
        if key == previous_key:
            result.rank = ranked[position - 2].rank
            result.tied = True
            ranked[position - 2].tied = True
        else:
            result.rank = position
        previous_key = key
    unranked = [result for result in results if result.normalised is None]
    return Results(entries=ranked + unranked, jurors=jurors, overall_mean=overall_mean, overall_sd=overall_sd)
