"""The jury's final vote for prizes (issue 15, point 3): the organiser prepares it (method, prizes, finalists), opens
it once the round's scoring is closed (the tie-break, the round's z-score ranking, fixed then), the round's jurors
rank the finalists in secret, the organiser closes it; then, and only then, the count is shown and the award form
proposes its result. Nobody sees another's ballot, nor any count, before the close."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contest.models import AuditEvent, ContestRole
from judging import final_vote, services
from judging.models import BallotPaper, Conflict, FinalVote, RoundJuror
from judging.services import JudgingError
from tests.factories import ContestRoleFactory, PrizeFactory, TeamMemberFactory, UserFactory

from .factories import CriterionFactory, RoundFactory, seated_juror, submitted_entry, submitted_review
from .jury_http import client_for

pytestmark = pytest.mark.django_db


class World:
    """A closed final round: four entries scored by three jurors (the ranking: A, C, B, D), two prizes."""

    def __init__(self):
        now = timezone.now()
        self.round = RoundFactory(opens_at=now - timedelta(days=7), closes_at=now - timedelta(hours=1))
        self.contest = self.round.contest
        CriterionFactory(round=self.round)
        self.a, self.b, self.c, self.d = (
            submitted_entry(self.contest, title=title) for title in ("Sans voix", "Le silence", "Après", "Dehors")
        )
        self.jurors = [seated_juror(self.round) for _ in range(3)]
        for juror, scores in zip(self.jurors, ([5, 2, 4, 1], [4, 3, 5, 1], [5, 1, 3, 2]), strict=True):
            for entry, score in zip((self.a, self.b, self.c, self.d), scores, strict=True):
                submitted_review(self.round, juror, entry, [score])
        self.first = PrizeFactory(contest=self.contest, name_en="First prize", order=1)
        self.second = PrizeFactory(contest=self.contest, name_en="Second prize", order=2)
        self.organiser = ContestRoleFactory(contest=self.contest, role=ContestRole.Role.ORGANISER).user

    def prepare(self, method="schulze", prizes=None, finalists=None) -> FinalVote:
        return services.prepare_vote(
            round=self.round,
            method=method,
            prizes=prizes or [self.first],
            finalists=finalists or [self.a, self.b, self.c],
            by=self.organiser,
        )

    def opened(self, **kwargs) -> FinalVote:
        return services.open_vote(vote=self.prepare(**kwargs), by=self.organiser)

    def cast(self, vote, juror, *entries):
        return services.cast_ballot(vote=vote, juror=juror, ranking=[entry.pk for entry in entries])


@pytest.fixture
def world():
    return World()


def test_the_count_follows_the_ballots_and_the_award_form_proposes_its_winner(world):
    vote = world.opened()
    assert vote.tiebreak_order == [world.a.pk, world.c.pk, world.b.pk]  # the round's ranking, D not a finalist
    world.cast(vote, world.jurors[0], world.b, world.a, world.c)
    world.cast(vote, world.jurors[1], world.b, world.c, world.a)
    world.cast(vote, world.jurors[2], world.a, world.c, world.b)
    assert final_vote.count(vote) is None  # open: no count, for anyone
    vote = services.close_vote(vote=vote, by=world.organiser)
    count = final_vote.count(vote)
    # B beats A and C 2 to 1, A beats C 2 to 1, though the round's ranking put A first.
    assert [entry.title for entry in count.ranking] == ["Le silence", "Sans voix", "Après"]
    assert [(prize.pk, entry.pk) for prize, entry in count.proposals] == [(world.first.pk, world.b.pk)]
    # The matrix in the count's order (B, A, C): ballots ranking the row's entry above the column's.
    assert [cells for _, cells in count.matrix] == [[None, 2, 2], [1, None, 2], [1, 1, None]]
    assert final_vote.vote_choice(prize=world.first) == world.b
    assert final_vote.vote_choice(prize=world.second) is None

    client = client_for(world.organiser)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("judging_awards", args=[world.contest.slug])).content.decode()
    assert f'<td class="voted">{world.b.code} · Le silence</td>' in page
    assert f'value="{world.b.code}"' in page  # the award form proposes the vote's winner
    with pytest.raises(JudgingError) as refused:
        services.record_award(prize=world.first, entry=world.a, by=world.organiser)
    assert refused.value.message == (
        f"The final vote gives this prize to {world.b.code}. Say why the jury chose otherwise."
    )
    award = services.record_award(prize=world.first, entry=world.b, by=world.organiser)
    assert award.reason_if_not_ranking == ""  # the vote's choice needs no reason, though the ranking said A


def test_a_transferable_vote_for_two_prizes_shows_its_rounds(world):
    vote = world.opened(method="stv", prizes=[world.first, world.second])
    world.cast(vote, world.jurors[0], world.a, world.b)
    world.cast(vote, world.jurors[1], world.b, world.a)
    world.cast(vote, world.jurors[2], world.a, world.c)
    vote = services.close_vote(vote=vote, by=world.organiser)
    count = final_vote.count(vote)
    assert count.quota == 2  # Droop: 3 // (2 + 1) + 1
    assert [(prize.pk, entry.pk) for prize, entry in count.proposals] == [
        (world.first.pk, world.a.pk),
        (world.second.pk, world.b.pk),
    ]
    first_round = count.rounds[0]
    assert [(entry.pk, votes) for entry, votes in first_round["votes"]] == [
        (world.a.pk, "2"),
        (world.c.pk, "0"),
        (world.b.pk, "1"),
    ]
    page = client_for(world.organiser).get(reverse("judging_vote", args=[world.contest.slug, world.round.pk]))
    assert 'id="rounds"' in page.content.decode()


# Secrecy: roles × moments


ROLES = ["voter", "other_voter", "inactive_juror", "other_round_juror", "organiser", "team_member", "stranger"]


def _users(world):
    other_round = RoundFactory(contest=world.contest)
    return {
        "voter": world.jurors[0],
        "other_voter": world.jurors[1],
        "inactive_juror": _inactive(world),
        "other_round_juror": seated_juror(other_round),
        "organiser": world.organiser,
        "team_member": TeamMemberFactory(team=world.a.team).user,
        "stranger": UserFactory(),
    }


def _inactive(world):
    juror = seated_juror(world.round)
    RoundJuror.objects.filter(round=world.round, user=juror).update(active=False)
    return juror


def _moment(world, moment):
    vote = world.prepare()
    if moment in ("open", "closed"):
        vote = services.open_vote(vote=vote, by=world.organiser)
        world.cast(vote, world.jurors[0], world.c, world.a, world.b)
        world.cast(vote, world.jurors[1], world.b, world.a)
    if moment == "closed":
        vote = services.close_vote(vote=vote, by=world.organiser)
    return vote


@pytest.mark.parametrize("moment", ["draft", "open", "closed"])
@pytest.mark.parametrize("role", ROLES + ["anonymous"])
def test_who_reads_the_ballot_page_and_the_count_at_each_moment(world, role, moment):
    users = _users(world)
    _moment(world, moment)
    client = Client() if role == "anonymous" else client_for(users[role])
    client.cookies["django_language"] = "en"
    juror_page = client.get(reverse("jury_vote", args=[world.contest.slug, world.round.pk]))
    organiser_page = client.get(reverse("judging_vote", args=[world.contest.slug, world.round.pk]))
    if role == "anonymous":
        assert juror_page.status_code == organiser_page.status_code == 302
        return
    voter = role in ("voter", "other_voter")
    assert juror_page.status_code == (200 if voter and moment != "draft" else 404)
    assert organiser_page.status_code == (200 if role == "organiser" else 404)
    for page in (juror_page, organiser_page):
        if page.status_code != 200:
            continue
        html = page.content.decode()
        assert ('id="count"' in html) is (moment == "closed")
        assert ('id="pairwise"' in html) is (moment == "closed")
    if role == "organiser" and moment == "open":
        assert 'data-turnout="2/3"' in organiser_page.content.decode()  # how many voted, never how


def test_an_open_ballot_page_shows_the_juror_their_own_ranking_only(world):
    vote = _moment(world, "open")
    for juror, ranking in ((world.jurors[0], [world.c, world.a, world.b]), (world.jurors[1], [world.b, world.a])):
        form = client_for(juror).get(reverse("jury_vote", args=[world.contest.slug, world.round.pk])).context["form"]
        assert {name: field.initial for name, field in form.fields.items()} == {
            f"rank_{entry.pk}": str(ranking.index(entry) + 1) if entry in ranking else ""
            for entry in (world.a, world.b, world.c)
        }
    assert BallotPaper.objects.filter(vote=vote).count() == 2


def test_a_juror_casts_and_changes_a_ballot_through_the_page_until_the_close(world):
    vote = world.opened()
    client = client_for(world.jurors[2])
    client.cookies["django_language"] = "en"
    url = reverse("jury_cast_ballot", args=[world.contest.slug, world.round.pk])
    fields = {f"ballot-rank_{world.c.pk}": "1", f"ballot-rank_{world.a.pk}": "2"}
    assert client.post(url, fields).status_code == 302
    assert BallotPaper.objects.get(vote=vote, juror=world.jurors[2]).ranking == [world.c.pk, world.a.pk]
    refused = client.post(url, {f"ballot-rank_{world.c.pk}": "1", f"ballot-rank_{world.a.pk}": "1"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert (
        "Give each finalist its own rank: " in html
        and "Sans voix" in html
        and "Après share one." in html
        or ("Après, Sans voix share one." in html)
    )
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {f"ballot-rank_{world.a.pk}": "seven"}).status_code == 400
    assert BallotPaper.objects.get(vote=vote, juror=world.jurors[2]).ranking == [world.c.pk, world.a.pk]
    assert client.get(url).status_code == 405
    vote = services.close_vote(vote=vote, by=world.organiser)
    late = client.post(url, {f"ballot-rank_{world.b.pk}": "1"})
    assert late.status_code == 400
    assert BallotPaper.objects.get(vote=vote, juror=world.jurors[2]).ranking == [world.c.pk, world.a.pk]
    event = AuditEvent.objects.filter(verb="ballot_cast").first()
    assert event.actor == world.jurors[2] and set(event.data) == {"round"}  # who voted, never how


def test_a_juror_in_conflict_with_a_finalist_neither_sees_nor_ranks_it(world):
    Conflict.objects.create(contest=world.contest, juror=world.jurors[0], kind="entry", entry=world.c)
    vote = world.opened()
    assert final_vote.visible_finalists(vote, world.jurors[0]) == sorted([world.a, world.b], key=lambda e: e.code)
    page = client_for(world.jurors[0]).get(reverse("jury_vote", args=[world.contest.slug, world.round.pk]))
    assert world.c.title not in page.content.decode()
    with pytest.raises(JudgingError) as refused:
        world.cast(vote, world.jurors[0], world.c)
    assert refused.value.code == "not_a_finalist"


def test_the_preparation_rules(world):
    with pytest.raises(JudgingError) as refused:
        world.prepare(finalists=[world.a])
    assert refused.value.code == "finalists"
    with pytest.raises(JudgingError) as refused:
        world.prepare(prizes=[world.first, world.second], finalists=[world.a, world.b])
    assert refused.value.code == "prizes"
    with pytest.raises(JudgingError) as refused:
        world.prepare(method="borda")
    assert refused.value.code == "unknown_method"
    elsewhere = World()
    with pytest.raises(JudgingError) as refused:
        world.prepare(finalists=[world.a, elsewhere.b])
    assert refused.value.code == "finalists"
    vote = world.prepare()
    changed = world.prepare(method="ranked_pairs", finalists=[world.a, world.b, world.c, world.d])
    assert changed.pk == vote.pk and changed.finalists.count() == 4
    services.open_vote(vote=vote, by=world.organiser)
    with pytest.raises(JudgingError) as refused:
        world.prepare()
    assert refused.value.code == "already_open"
    assert [event.verb for event in AuditEvent.objects.filter(verb__startswith="vote_")] == [
        "vote_opened",
        "vote_prepared",
        "vote_prepared",
    ]


def test_the_ballot_opens_only_after_the_rounds_scoring_and_closes_only_with_a_ballot(world):
    world.round.closes_at = timezone.now() + timedelta(hours=1)
    world.round.save()
    vote = world.prepare()
    with pytest.raises(JudgingError) as refused:
        services.open_vote(vote=vote, by=world.organiser)
    assert refused.value.code == "round_open"
    services.open_vote(vote=vote, by=world.organiser, now=world.round.closes_at + timedelta(seconds=1))
    with pytest.raises(JudgingError) as refused:
        services.close_vote(vote=vote, by=world.organiser)
    assert refused.value.code == "no_ballots"


def test_opening_and_closing_from_the_page_ask_for_a_confirmation(world):
    client = client_for(world.organiser)
    client.cookies["django_language"] = "en"
    world.prepare()
    url = reverse("judging_open_vote", args=[world.contest.slug, world.round.pk])
    refused = client.post(url, {})
    assert refused.status_code == 400 and "Tick the box to confirm." in refused.content.decode()
    assert FinalVote.objects.get().state() == "draft"
    assert client.post(url, {"confirm-confirm": "on"}).status_code == 302
    assert FinalVote.objects.get().state() == "open"


def test_the_organiser_prepares_the_vote_from_the_page_with_the_shortlist_or_the_top_five(world):
    client = client_for(world.organiser)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("judging_vote", args=[world.contest.slug, world.round.pk]))
    assert set(page.context["form"].initial["finalists"]) == {world.a.pk, world.b.pk, world.c.pk, world.d.pk}
    response = client.post(
        reverse("judging_prepare_vote", args=[world.contest.slug, world.round.pk]),
        {
            "vote-method": "ranked_pairs",
            "vote-tiebreak": "zscore",
            "vote-prizes": [world.first.pk],
            "vote-finalists": [world.a.pk, world.b.pk],
        },
    )
    assert response.status_code == 302
    vote = FinalVote.objects.get(round=world.round)
    assert (vote.method, set(vote.finalists.values_list("pk", flat=True))) == ("ranked_pairs", {world.a.pk, world.b.pk})
    refused = client.post(
        reverse("judging_prepare_vote", args=[world.contest.slug, world.round.pk]),
        {
            "vote-method": "schulze",
            "vote-tiebreak": "zscore",
            "vote-prizes": [world.first.pk],
            "vote-finalists": [world.a.pk],
        },
    )
    assert refused.status_code == 400
    assert "Choose at least two finalists among the entries of this round." in refused.content.decode()


@pytest.mark.parametrize("tiebreak, winner", [("zscore", "a"), ("president", "b")])
def test_a_tie_goes_by_the_rule_fixed_before_the_opening(world, tiebreak, winner):
    services.name_president(contest=world.contest, user=world.jurors[1], by=world.organiser)
    vote = services.prepare_vote(
        round=world.round,
        method="schulze",
        tiebreak=tiebreak,
        prizes=[world.first],
        finalists=[world.a, world.b],
        by=world.organiser,
    )
    vote = services.open_vote(vote=vote, by=world.organiser)
    world.cast(vote, world.jurors[0], world.a, world.b)
    world.cast(vote, world.jurors[1], world.b, world.a)  # the president's ballot: their casting vote
    vote = services.close_vote(vote=vote, by=world.organiser)
    assert final_vote.count(vote).proposals[0][1] == getattr(world, winner)  # A leads the round's ranking


def test_the_casting_vote_needs_a_president(world):
    with pytest.raises(JudgingError) as refused:
        services.prepare_vote(
            round=world.round,
            method="schulze",
            tiebreak="president",
            prizes=[world.first],
            finalists=[world.a, world.b],
            by=world.organiser,
        )
    assert refused.value.code == "no_president"
