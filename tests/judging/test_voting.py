"""The final vote's counts against ballot sets whose results are published (and one worked by hand)."""

from fractions import Fraction

import pytest

from judging.voting import (
    BallotError,
    Round,
    count_ranked_pairs,
    count_schulze,
    count_single_transferable_vote,
    pairwise_matrix,
)


def ballots(*groups: tuple[int, str]) -> list[tuple[str, ...]]:
    """("ACBED", 5) style groups: that many ballots ranking those one-letter finalists in that order."""
    return [tuple(order) for count, order in groups for _ in range(count)]


# Schulze's own example (Markus Schulze, "A new monotonic, clone-independent, reversal symmetric, and
# Condorcet-consistent single-winner election method", 2011, example 1; the Wikipedia article's example): 45 voters.
SCHULZE_45 = ballots(
    (5, "ACBED"), (5, "ADECB"), (8, "BEDAC"), (3, "CABED"), (7, "CAEBD"), (2, "CBADE"), (7, "DCEBA"), (8, "EBADC")
)  # fmt: skip

# The Tennessee capital (Wikipedia's running example for Condorcet methods and instant-runoff), 100 voters:
# Memphis, Nashville, Chattanooga, Knoxville.
TENNESSEE = ballots((42, "MNCK"), (26, "NCKM"), (15, "CKNM"), (17, "KCNM"))


def test_schulze_counts_the_published_example_matrix_paths_and_order():
    count = count_schulze(finalists="ABCDE", ballots=SCHULZE_45, tiebreak="ABCDE")
    assert count.matrix == {
        "A": {"B": 20, "C": 26, "D": 30, "E": 22},
        "B": {"A": 25, "C": 16, "D": 33, "E": 18},
        "C": {"A": 19, "B": 29, "D": 17, "E": 24},
        "D": {"A": 15, "B": 12, "C": 28, "E": 14},
        "E": {"A": 23, "B": 27, "C": 21, "D": 31},
    }
    assert count.paths == {
        "A": {"B": 28, "C": 28, "D": 30, "E": 24},
        "B": {"A": 25, "C": 28, "D": 33, "E": 24},
        "C": {"A": 25, "B": 29, "D": 29, "E": 24},
        "D": {"A": 25, "B": 28, "C": 28, "E": 24},
        "E": {"A": 25, "B": 28, "C": 28, "D": 31},
    }
    assert count.ranking == ["E", "A", "C", "B", "D"]


def test_the_tennessee_capital_is_nashville_by_schulze_and_ranked_pairs_and_knoxville_by_instant_runoff():
    schulze = count_schulze(finalists="MNCK", ballots=TENNESSEE, tiebreak="MNCK")
    pairs = count_ranked_pairs(finalists="MNCK", ballots=TENNESSEE, tiebreak="MNCK")
    assert schulze.ranking == pairs.ranking == ["N", "C", "K", "M"]
    assert pairs.matrix["N"] == {"M": 58, "C": 68, "K": 68}
    assert pairs.locked == [("C", "K"), ("N", "C"), ("N", "K"), ("N", "M"), ("C", "M"), ("K", "M")]
    assert pairs.skipped == []

    runoff = count_single_transferable_vote(finalists="MNCK", ballots=TENNESSEE, tiebreak="MNCK")
    assert (runoff.quota, runoff.elected, runoff.ranking) == (51, ["K"], ["K", "M", "N", "C"])
    assert runoff.rounds == [
        Round(votes={"M": 42, "N": 26, "C": 15, "K": 17}, elected=[], eliminated="C", exhausted=0),
        Round(votes={"M": 42, "N": 26, "K": 32}, elected=[], eliminated="N", exhausted=0),
        Round(votes={"M": 42, "K": 58}, elected=["K"], eliminated=None, exhausted=0),
    ]


def test_three_prizes_by_single_transferable_vote_follow_the_published_example():
    """Wikipedia's "Single transferable vote" example: 20 voters choose 3 foods for a party (Droop quota 6)."""
    foods = ["Orange", "Pear", "Chocolate", "Strawberry", "Bonbon"]
    votes = (
        [("Orange",)] * 4
        + [("Pear", "Orange")] * 2
        + [("Chocolate", "Strawberry")] * 8
        + [("Chocolate", "Bonbon")] * 4
        + [("Strawberry",)]
        + [("Bonbon",)]
    )
    count = count_single_transferable_vote(finalists=foods, ballots=votes, tiebreak=foods, seats=3)
    assert (count.quota, count.elected) == (6, ["Chocolate", "Orange", "Strawberry"])
    assert count.ranking == ["Chocolate", "Orange", "Strawberry", "Bonbon", "Pear"]
    assert count.rounds == [
        Round(
            votes={"Orange": 4, "Pear": 2, "Chocolate": 12, "Strawberry": 1, "Bonbon": 1},
            elected=["Chocolate"],
            eliminated=None,
            exhausted=0,
        ),
        Round(votes={"Orange": 4, "Pear": 2, "Strawberry": 5, "Bonbon": 3}, elected=[], eliminated="Pear", exhausted=0),
        Round(votes={"Orange": 6, "Strawberry": 5, "Bonbon": 3}, elected=["Orange"], eliminated=None, exhausted=0),
        Round(votes={"Strawberry": 5, "Bonbon": 3}, elected=[], eliminated="Bonbon", exhausted=0),
        Round(votes={"Strawberry": 5}, elected=["Strawberry"], eliminated=None, exhausted=3),
    ]


def test_a_surplus_moves_on_at_its_exact_fraction():
    """Worked by hand: 7 ballots, 2 prizes, quota 3; A's 5 votes carry a surplus of 2, i.e. 2/5 of each."""
    votes = ballots((4, "AB"), (1, "AC"), (2, "CB"))
    count = count_single_transferable_vote(finalists="ABC", ballots=votes, tiebreak="ABC", seats=2)
    assert count.rounds[1].votes == {"B": Fraction(8, 5), "C": Fraction(12, 5)}
    assert count.elected == ["A", "C"]


def test_a_cycle_is_broken_at_its_weakest_pair():
    """Worked by hand: A beats B 8–4, B beats C 9–3, C beats A 7–5. Ranked pairs locks B>C, A>B and skips C>A;
    Schulze: A's path to C (8) is stronger than C's to A (7)."""
    votes = ballots((5, "ABC"), (4, "BCA"), (3, "CAB"))
    pairs = count_ranked_pairs(finalists="ABC", ballots=votes, tiebreak="CBA")
    assert (pairs.locked, pairs.skipped, pairs.ranking) == ([("B", "C"), ("A", "B")], [("C", "A")], ["A", "B", "C"])
    schulze = count_schulze(finalists="ABC", ballots=votes, tiebreak="CBA")
    assert schulze.paths == {"A": {"B": 8, "C": 8}, "B": {"A": 7, "C": 9}, "C": {"A": 7, "B": 7}}
    assert schulze.ranking == ["A", "B", "C"]


@pytest.mark.parametrize("tiebreak", ["AB", "BA"])
def test_what_the_ballots_leave_tied_the_order_fixed_in_advance_decides(tiebreak):
    votes = ballots((2, "AB"), (2, "BA"))
    for count in (
        count_schulze(finalists="AB", ballots=votes, tiebreak=tiebreak),
        count_ranked_pairs(finalists="AB", ballots=votes, tiebreak=tiebreak),
        count_single_transferable_vote(finalists="AB", ballots=votes, tiebreak=tiebreak),
    ):
        assert count.ranking == list(tiebreak)


def test_instant_runoff_eliminates_the_tied_last_that_the_tiebreak_puts_last():
    votes = ballots((3, "A"), (2, "BA"), (2, "CA"))
    count = count_single_transferable_vote(finalists="ABC", ballots=votes, tiebreak="ABC")
    assert count.rounds[0].eliminated == "C"
    count = count_single_transferable_vote(finalists="ABC", ballots=votes, tiebreak="ACB")
    assert count.rounds[0].eliminated == "B"


def test_finalists_a_ballot_leaves_out_come_after_those_it_ranks():
    assert pairwise_matrix("ABC", [("B",)]) == {"A": {"B": 0, "C": 0}, "B": {"A": 1, "C": 1}, "C": {"A": 0, "B": 0}}


@pytest.mark.parametrize(
    "finalists, votes, tiebreak, message",
    [
        ("AB", [("A", "A")], "AB", "Ballot 1 ranks a finalist twice."),
        ("AB", [("A",), ("Z",)], "AB", "Ballot 2 ranks someone who is not a finalist."),
        ("AB", [("A",)], "A", "The tie-break order must list every finalist once."),
        ("AA", [("A",)], "A", "The finalists must be distinct, and there must be at least one."),
    ],
)
def test_a_ballot_that_cannot_be_counted_is_refused_with_its_number(finalists, votes, tiebreak, message):
    for count in (count_schulze, count_ranked_pairs, count_single_transferable_vote):
        with pytest.raises(BallotError) as refused:
            count(finalists=finalists, ballots=votes, tiebreak=tiebreak)
        assert str(refused.value) == message
