"""Whether the order holds: the ranks of the top entries by each way of combining scores and without each juror,
on a table worked by hand, then against the plain count itself (compute_results without the juror) as the oracle."""

from hypothesis import given, settings
from hypothesis import strategies as st

from judging.results import ReviewTotal, compute_results
from judging.robustness import ranking_robustness

# Four jurors each score the four entries two up and two down around their own mean (±d), so every z-score is ±1.
#              E1   E2   E3   E4     mean  sd
#   juror 1:   25   25   15   15      20    5
#   juror 2:   35   35   25   25      30    5
#   juror 3:   85   85   75   75      80    5
#   juror 4:   80   60   80   60      70   10
# z-scores: E1 +1 +1 +1 +1 → 1;  E2 +1 +1 +1 −1 → 0.5;  E3 −1 −1 −1 +1 → −0.5;  E4 −1 −1 −1 −1 → −1.
# Means:    E1 56.25  E2 51.25  E3 48.75  E4 43.75          (the same order)
# Medians:  E1 57.5   E2 47.5   E3 50     E4 42.5           (E3 before E2)
# Trimmed (highest and lowest left out): as the medians, with four totals each.
# Without juror 4: E1 1, E2 1 (tied first), E3 −1, E4 −1 (tied third). Without juror 1, 2 or 3: E1 1, E2 1/3,
# E3 −1/3, E4 −1 (the same order).
TABLE = {
    1: {1: 25, 2: 25, 3: 15, 4: 15},
    2: {1: 35, 2: 35, 3: 25, 4: 25},
    3: {1: 85, 2: 85, 3: 75, 4: 75},
    4: {1: 80, 2: 60, 3: 80, 4: 60},
}
REVIEWS = [
    ReviewTotal(entry_id=entry, juror_id=juror, total=total)
    for juror, totals in TABLE.items()
    for entry, total in totals.items()
]


def robustness(reviews, entry_ids=(1, 2, 3, 4), top=3):
    results = compute_results(entry_ids=list(entry_ids), reviews=reviews)
    return ranking_robustness(results=results, reviews=reviews, top=top)


def test_the_hand_computed_table():
    first, second, third = robustness(REVIEWS)
    assert (first.entry_id, first.rank, first.agreeing_methods, first.changed_by) == (1, 1, 4, {})
    assert first.ranks == {"z_scores": 1, "mean": 1, "median": 1, "trimmed_mean": 1}
    assert first.without == {1: 1, 2: 1, 3: 1, 4: 1}
    assert (second.entry_id, second.rank, second.agreeing_methods) == (2, 2, 2)
    assert second.ranks == {"z_scores": 2, "mean": 2, "median": 3, "trimmed_mean": 3}
    assert second.changed_by == {4: 1}
    assert (third.entry_id, third.rank, third.agreeing_methods, third.changed_by) == (3, 3, 2, {})
    assert third.ranks == {"z_scores": 3, "mean": 3, "median": 2, "trimmed_mean": 2}


def test_an_entry_only_one_juror_reviewed_is_unranked_without_them():
    reviews = [*REVIEWS, ReviewTotal(entry_id=5, juror_id=4, total=100)]  # juror 4's mean and sd move: z = 1.5
    (top,) = robustness(reviews, entry_ids=(1, 2, 3, 4, 5), top=1)
    assert (top.entry_id, top.without[4]) == (5, None)


def test_only_the_top_entries_are_told_and_none_before_any_review():
    assert [item.entry_id for item in robustness(REVIEWS, top=1)] == [1]
    assert robustness([], top=3) == []


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.integers(1, 8), st.integers(1, 5)),  # (entry, juror)
        st.integers(0, 20).map(lambda points: points * 5.0),  # coarse totals: ties happen
        min_size=1,
        max_size=40,
    )
)
def test_leaving_a_juror_out_ranks_as_a_new_count_without_them_would(scores):
    reviews = [ReviewTotal(entry_id=entry, juror_id=juror, total=total) for (entry, juror), total in scores.items()]
    entry_ids = sorted({entry for entry, _ in scores})
    for item in robustness(reviews, entry_ids=entry_ids, top=3):
        for juror, rank in item.without.items():
            recount = compute_results(
                entry_ids=entry_ids, reviews=[review for review in reviews if review.juror_id != juror]
            )
            assert rank == next(result.rank for result in recount.entries if result.entry_id == item.entry_id)
