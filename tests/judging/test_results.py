"""Statistics on a hand-computed example: three jurors of different severity, three entries."""

import pytest

from judging.results import ReviewTotal, compute_results, weighted_total

# Juror 1 is severe, juror 2 lenient, juror 3 in between; each scored two entries.
#   juror 1: entry 11 -> 30, entry 12 -> 10   (mean 20, sd 10: z = +1, -1)
#   juror 2: entry 12 -> 90, entry 13 -> 70   (mean 80, sd 10: z = +1, -1)
#   juror 3: entry 11 -> 60, entry 13 -> 40   (mean 50, sd 10: z = +1, -1)
# Raw means: 11 -> 45, 12 -> 50, 13 -> 55 (13 first). Normalised: 11 -> +1, 12 -> 0, 13 -> -1 (11 first).
REVIEWS = [
    ReviewTotal(entry_id=11, juror_id=1, total=30),
    ReviewTotal(entry_id=12, juror_id=1, total=10),
    ReviewTotal(entry_id=12, juror_id=2, total=90),
    ReviewTotal(entry_id=13, juror_id=2, total=70),
    ReviewTotal(entry_id=11, juror_id=3, total=60),
    ReviewTotal(entry_id=13, juror_id=3, total=40),
]


def test_z_score_ranking_undoes_the_luck_of_drawing_a_severe_juror():
    results = compute_results(entry_ids=[11, 12, 13, 14], reviews=REVIEWS)
    ranked = [(r.entry_id, r.rank, r.normalised, r.mean, r.median, r.n) for r in results.entries]
    assert ranked == [
        (11, 1, 1.0, 45.0, 45.0, 2),
        (12, 2, 0.0, 50.0, 50.0, 2),
        (13, 3, -1.0, 55.0, 55.0, 2),
        (14, None, None, None, None, 0),
    ]


def test_spread_and_strong_disagreement_are_reported():
    by_entry = {r.entry_id: r for r in compute_results(entry_ids=[11, 12, 13], reviews=REVIEWS).entries}
    assert (by_entry[12].sd, by_entry[12].low, by_entry[12].high, by_entry[12].disagreement) == (40.0, 10, 90, True)
    assert (by_entry[11].sd, by_entry[11].disagreement) == (15.0, False)


def test_jurors_are_labelled_severe_lenient_or_typical_against_the_overall_mean():
    results = compute_results(entry_ids=[11, 12, 13], reviews=REVIEWS)
    assert results.overall_mean == 50.0
    assert results.overall_sd == pytest.approx(26.4575, abs=1e-4)
    assert [(j.juror_id, j.n, j.mean, j.sd, j.leaning) for j in results.jurors] == [
        (1, 2, 20.0, 10.0, "severe"),
        (2, 2, 80.0, 10.0, "lenient"),
        (3, 2, 50.0, 10.0, "typical"),
    ]


def test_equal_normalised_scores_share_a_rank_and_are_flagged_as_ties():
    reviews = [
        ReviewTotal(entry_id=1, juror_id=1, total=80),
        ReviewTotal(entry_id=2, juror_id=1, total=80),
        ReviewTotal(entry_id=3, juror_id=1, total=20),
    ]
    results = compute_results(entry_ids=[1, 2, 3], reviews=reviews)
    assert [(r.entry_id, r.rank, r.tied) for r in results.entries] == [(1, 1, True), (2, 1, True), (3, 3, False)]


def test_a_juror_who_gives_everyone_the_same_score_does_not_move_the_ranking():
    reviews = [
        ReviewTotal(entry_id=1, juror_id=1, total=50),
        ReviewTotal(entry_id=2, juror_id=1, total=50),
        ReviewTotal(entry_id=1, juror_id=2, total=40),
        ReviewTotal(entry_id=2, juror_id=2, total=60),
    ]
    results = compute_results(entry_ids=[1, 2], reviews=reviews)
    assert [(r.entry_id, r.normalised) for r in results.entries] == [(2, 0.5), (1, -0.5)]


def test_weighted_total_places_each_criterion_on_its_own_scale():
    # Weight 2 on a 1-5 scale scored 5 (1.0), weight 1 on a 0-20 scale scored 10 (0.5): (2 + 0.5) / 3.
    assert weighted_total({1: 5, 2: 10}, {1: (2, 1, 5), 2: (1, 0, 20)}) == pytest.approx(250 / 3)
