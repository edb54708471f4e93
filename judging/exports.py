"""Rows for the CSV and XLSX exports of scores, rankings and awards. Each function yields a header then rows of
plain values (str, int, float), with a fixed number of queries whatever the size; times are ISO 8601 in the
contest's zone."""

import csv
import io
from collections.abc import Iterable

from django.utils import timezone
from openpyxl import Workbook

from contest.models import Contest

from . import selectors
from .models import Assignment, Award, Criterion, Round, Score
from .robustness import ordinal


def _number(value) -> str:
    """Decimal scores written without trailing zeros: 3, 2.5."""
    return f"{value.normalize():f}" if value is not None else ""


def _round2(value: float | None, digits: int = 2):
    return "" if value is None else round(value, digits)


def score_rows(*, round: Round, viewer=None) -> Iterable[list]:
    """One row per score: entry, juror, criterion, value, with the review's state and watched share. Leaves out the
    entries `viewer` is in conflict with (see selectors.entries_hidden_from)."""
    yield [
        "entry_code",
        "title",
        "juror",
        "criterion",
        "weight",
        "value",
        "review_status",
        "watched_share",
        "flagged_unwatched",
        "submitted_at",
    ]
    zone = round.contest.tzinfo
    hidden = selectors.entries_hidden_from(round=round, viewer=viewer)
    # Three plain queries joined here rather than one row per score with every column: at 80,000 scores the
    # repeated titles, e-mails and times (and a server-side cursor) took most of the export's time.
    criteria = [
        (pk, name, _number(weight))
        for pk, name, weight in Criterion.objects.filter(round=round)
        .order_by("order", "pk")
        .values_list("pk", "name_fr", "weight")
    ]
    values: dict[int, dict[int, str]] = {}
    numbers: dict = {}
    for assignment_id, criterion_id, value in (
        Score.objects.filter(assignment__round=round)
        .exclude(assignment__entry_id__in=hidden)
        .values_list("assignment_id", "criterion_id", "value")
    ):
        text = numbers.get(value)
        if text is None:
            text = numbers[value] = _number(value)
        values.setdefault(assignment_id, {})[criterion_id] = text
    assignments = (
        Assignment.objects.filter(round=round, pk__in=values.keys())
        .order_by("entry__code", "juror__email")
        .values_list(
            "pk",
            "entry__code",
            "entry__title",
            "juror__email",
            "review__status",
            "review__watched_seconds",
            "review__duration_seconds",
            "review__flagged_unwatched",
            "review__submitted_at",
        )
    )
    for pk, code, title, juror, status, watched, duration, flagged, submitted_at in assignments:
        scores = values[pk]
        review = [
            status or "draft",
            round_share(watched, duration),
            int(bool(flagged)),
            timezone.localtime(submitted_at, zone).isoformat() if submitted_at else "",
        ]
        for criterion_id, name, weight in criteria:
            if criterion_id in scores:
                yield [code, title, juror, name, weight, scores[criterion_id], *review]


def round_share(watched: float | None, duration: float | None):
    if not duration:
        return ""
    return round(min(1.0, (watched or 0) / duration), 2)


def ranking_rows(*, round: Round, viewer=None) -> Iterable[list]:
    """The ranking by normalised score, with each entry's weighted mean, median, spread and flags."""
    yield [
        "rank",
        "entry_code",
        "title",
        "reviews",
        "normalised_score",
        "weighted_mean",
        "median",
        "standard_deviation",
        "lowest",
        "highest",
        "tie",
        "strong_disagreement",
        "shortlisted",
        "rank_by_mean",
        "rank_by_median",
        "rank_by_trimmed_mean",
        "best_rank_without_one_juror",
        "worst_rank_without_one_juror",
        "does_the_order_hold",
    ]
    results = selectors.round_results(round=round, viewer=viewer)
    for row in results["rows"]:
        result = row["result"]
        yield [
            result.rank or "",
            row["entry"]["code"],
            row["entry"]["title"],
            result.n,
            _round2(result.normalised, 3),
            _round2(result.mean),
            _round2(result.median),
            _round2(result.sd),
            _round2(result.low),
            _round2(result.high),
            int(result.tied),
            int(result.disagreement),
            int(row["entry"]["pk"] in results["shortlisted"]),
            *_robustness_cells(row["robustness"]),
        ]


def _robustness_cells(told: dict | None) -> list:
    """For a top entry: its ranks by the other methods, its best and worst ranks when one juror is left out (the
    word "unranked" when leaving one out leaves it no review), and the sentence; blank for the others."""
    if told is None:
        return ["", "", "", "", "", ""]
    item = told["item"]
    ranks = [rank for rank in item.without.values() if rank is not None] or [item.rank]
    worst = ordinal(None) if None in item.without.values() else max(ranks)
    return [item.ranks["mean"], item.ranks["median"], item.ranks["trimmed_mean"], min(ranks), worst, told["text"]]


def award_rows(*, contest: Contest) -> Iterable[list]:
    yield [
        "prize_fr",
        "prize_en",
        "entry_code",
        "title",
        "team",
        "citation_fr",
        "citation_en",
        "reason_if_not_ranking",
        "decided_by",
        "decided_at",
    ]
    zone = contest.tzinfo
    for award in Award.objects.filter(contest=contest).select_related("prize", "entry__team", "decided_by"):
        yield [
            award.prize.name_fr,
            award.prize.name_en,
            award.entry.code,
            award.entry.title,
            award.entry.team.name,
            award.citation_fr,
            award.citation_en,
            award.reason_if_not_ranking,
            award.decided_by.email if award.decided_by else "",
            timezone.localtime(award.decided_at, zone).isoformat(),
        ]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _defused(row: list) -> list:
    """Text that a spreadsheet would run as a formula (a title starting with "=") is written as text."""
    return [
        "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value) else value
        for value in row
    ]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_csv(rows: Iterable[list]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(_defused(row))
    return buffer.getvalue()


def to_xlsx(rows: Iterable[list], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append(_defused(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
