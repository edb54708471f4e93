"""Capacities and wishes in the database and the pages (issue 15, point 7): the organiser sets each juror's
minimum and maximum on the round page, jurors give wishes on titles and synopses (blind), and the automatic
assignment follows both (the planner itself: tests/judging/test_assignment_capacity.py)."""

import pytest
from django.urls import reverse

from contest.models import AuditEvent, ContestRole
from judging import services
from judging.models import Assignment, AssignmentWish, Conflict, RoundJuror
from tests.factories import ContestRoleFactory, TeamMemberFactory

from .factories import RoundFactory, seated_juror, submitted_entry
from .jury_http import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    round = RoundFactory(jurors_per_entry=1)
    entries = [submitted_entry(round.contest, title=f"Film {n}", synopsis_en=f"Story {n}.") for n in range(6)]
    jurors = [seated_juror(round) for _ in range(3)]
    organiser = ContestRoleFactory(contest=round.contest, role=ContestRole.Role.ORGANISER).user
    return round, entries, jurors, organiser


def capacity_url(round):
    return reverse("judging_round_juror_capacity", args=[round.contest.slug, round.pk])


def test_the_organiser_sets_a_maximum_and_the_assignment_keeps_it(world):
    round, entries, jurors, organiser = world
    client = client_for(organiser)
    response = client.post(capacity_url(round), {"user": jurors[0].pk, "max_entries": "1", "min_entries": ""})
    assert response.status_code == 302
    assert RoundJuror.objects.filter(round=round, user=jurors[0]).values_list("max_entries", "min_entries").get() == (
        1,
        None,
    )
    outcome = services.assign_jurors(round=round, by=organiser)
    loads = {juror: Assignment.objects.filter(round=round, juror=juror).count() for juror in jurors}
    assert loads == {jurors[0]: 1, jurors[1]: 3, jurors[2]: 2} or loads == {jurors[0]: 1, jurors[1]: 2, jurors[2]: 3}
    assert outcome["short"] == {} and outcome["below_minimum"] == {}
    event = AuditEvent.objects.get(verb="juror_capacity_set")
    assert (event.data["juror"], event.data["max_entries"], event.data["min_entries"]) == (jurors[0].pk, 1, None)


def test_a_minimum_is_met_where_the_loads_allow_and_one_out_of_reach_is_said(world):
    round, entries, jurors, organiser = world
    # Six films, three jurors at most 2 each if even: a minimum of 3 would take a film from a juror at 2, leaving
    # them below the receiver; the planner keeps 2 and says so.
    services.set_juror_capacity(round=round, juror=jurors[2], max_entries=None, min_entries=3, by=organiser)
    assert services.assign_jurors(round=round, by=organiser)["below_minimum"] == {jurors[2].pk: 1}
    # With the first juror at one film at most, the other two share five: the one with a minimum of 3 gets 3.
    services.set_juror_capacity(round=round, juror=jurors[0], max_entries=1, min_entries=None, by=organiser)
    Assignment.objects.filter(round=round).delete()
    outcome = services.assign_jurors(round=round, by=organiser)
    assert outcome["below_minimum"] == {} and outcome["loads"] == {jurors[0].pk: 1, jurors[1].pk: 2, jurors[2].pk: 3}


def test_bad_capacities_answer_400_and_a_minimum_above_the_maximum_is_refused(world):
    round, entries, jurors, organiser = world
    client = client_for(organiser)
    client.cookies["django_language"] = "en"
    for fields in ({"user": jurors[0].pk, "max_entries": "two"}, {"user": jurors[0].pk, "max_entries": "-1"}, {}):
        assert client.post(capacity_url(round), fields).status_code == 400
    response = client.post(capacity_url(round), {"user": jurors[0].pk, "max_entries": "1", "min_entries": "2"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "The minimum is above the maximum: lower one or raise the other." in page
    assert RoundJuror.objects.get(round=round, user=jurors[0]).max_entries is None
    other_round = RoundFactory(contest=round.contest)
    stranger = seated_juror(other_round)
    assert client.post(capacity_url(round), {"user": stranger.pk, "max_entries": "1"}).status_code == 404
    assert (
        client_for(jurors[0]).post(capacity_url(round), {"user": jurors[0].pk, "max_entries": "9"}).status_code == 404
    )


def test_a_juror_gives_wishes_on_titles_and_synopses_only_and_the_assignment_follows_them(world):
    round, entries, jurors, organiser = world
    Conflict.objects.create(contest=round.contest, juror=jurors[0], kind="entry", entry=entries[5])
    client = client_for(jurors[0])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("jury_wishes", args=[round.contest.slug, round.pk])).content.decode()
    assert "Story 0." in page and entries[0].team.name not in page
    assert entries[5].title not in page  # in conflict: not offered
    url = reverse("jury_set_wishes", args=[round.contest.slug, round.pk])
    response = client.post(url, {f"wish_{entries[0].pk}": "1", f"wish_{entries[1].pk}": "-1"})
    assert response.status_code == 302
    assert dict(AssignmentWish.objects.filter(juror=jurors[0]).values_list("entry_id", "wish")) == {
        entries[0].pk: 1,
        entries[1].pk: -1,
    }
    assert client.post(url, {f"wish_{entries[5].pk}": "1"}).status_code == 400  # the conflicted film
    assert client.post(url, {f"wish_{entries[0].pk}": "2"}).status_code == 400
    assert client.post(url, {"wish_x": "1"}).status_code == 400
    client.post(url, {f"wish_{entries[1].pk}": "0"})
    assert set(AssignmentWish.objects.filter(juror=jurors[0]).values_list("entry_id", flat=True)) == {entries[0].pk}
    member = TeamMemberFactory(team=entries[0].team).user
    assert client_for(member).get(reverse("jury_wishes", args=[round.contest.slug, round.pk])).status_code == 404


def test_between_jurors_of_equal_load_the_assignment_gives_the_film_to_the_one_who_wished_it(world):
    round, entries, jurors, organiser = world
    for juror in jurors:
        services.set_assignment_wishes(round=round, juror=juror, wishes={entries[0].pk: -1})
    services.set_assignment_wishes(round=round, juror=jurors[1], wishes={entries[0].pk: 1})
    for seed in range(5):
        Assignment.objects.filter(round=round).delete()
        services.assign_jurors(round=round, by=organiser, seed=seed)
        assert Assignment.objects.get(round=round, entry=entries[0]).juror == jurors[1]
