"""The audience vote, from the voter's side: an address verified by a single-use link, one vote per address and
prize, changeable until the close, only for films the voter may watch at that second, never for their own team's."""

from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audience import addresses
from audience.models import AudienceBallot, AudienceVote, Voter, VoterLink
from tests.factories import UserFactory

from .world import build_world, link_in, publish_film

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_a_verified_address_votes_once_and_a_second_vote_replaces_the_first(world):
    client = world.verified_client("Lou.Martin@Example.org ")
    assert world.vote_for(client, "Sans voix").status_code == 302
    response = world.vote_for(client, "Le silence", follow=True)
    assert (
        "Your vote for « Le silence » is recorded. You may change it until the vote closes."
        in response.content.decode()
    )
    ballot = AudienceBallot.objects.get()
    assert (ballot.entry.title, ballot.changes) == ("Le silence", 1)
    assert Voter.objects.get().address_hash == addresses.address_hash("lou.martin@example.org")
    page = client.get(world.vote_url).content.decode()
    assert "Your vote: « Le silence »" in page
    assert "lou.martin" not in page.lower()  # the address is never shown, not even to its owner


def test_the_same_address_from_another_browser_is_the_same_voter(world):
    first = world.verified_client("lou@example.org")
    world.vote_for(first, "Sans voix")
    second = world.verified_client("LOU@example.org")
    world.vote_for(second, "Le silence")
    assert list(AudienceBallot.objects.values_list("entry__title", flat=True)) == ["Le silence"]
    assert Voter.objects.count() == 1


def test_the_link_is_opened_by_a_button_used_once_and_refused_after_it_expires(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post(world.url("request_link"), {"address": "lou@example.org"})
    path = link_in(mail.outbox[-1].body)
    assert mail.outbox[-1].to == ["lou@example.org"]
    assert client.get(path).status_code == 200  # a mail scanner's GET uses nothing
    assert VoterLink.objects.get().used_at is None
    assert client.post(path).status_code == 302
    again = Client(HTTP_ACCEPT_LANGUAGE="en").post(path)
    assert again.status_code == 400
    assert "This link has expired or was already used. Ask for a new one on the vote's page." in unescape(
        again.content.decode()
    )

    client.post(world.url("request_link"), {"address": "sam@example.org"})
    late = link_in(mail.outbox[-1].body)
    with time_machine.travel(timezone.now() + timedelta(minutes=30, seconds=1)):
        assert Client().post(late).status_code == 400
    assert Voter.objects.count() == 1


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("lou@yopmail.com", "Addresses of throwaway mail services cannot vote: use your school or personal address."),
        (
            "lou@mx.mailinator.com",
            "Addresses of throwaway mail services cannot vote: use your school or personal address.",
        ),
        ("not an address", "Enter an email address, e.g. camille@lycee-gouges.fr."),
    ],
)
def test_a_refused_address_is_told_why_and_keeps_what_was_typed(world, address, message):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(world.url("request_link"), {"address": address})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert f'value="{address}"' in body
    assert not mail.outbox and not VoterLink.objects.exists()


def test_a_vote_for_listed_domains_refuses_other_addresses_and_takes_subdomains():
    world = build_world(electorate=AudienceVote.Electorate.DOMAINS, domains="lycee-gouges.fr")
    refused = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        world.url("request_link"), {"address": "lou@lycee-gouges.fr.evil.com"}
    )
    assert refused.status_code == 400
    assert "Only addresses at lycee-gouges.fr may vote for this prize." in unescape(refused.content.decode())
    client = world.verified_client("lou@eleves.lycee-gouges.fr")
    assert world.vote_for(client, "Le silence").status_code == 302


def test_links_are_limited_per_address_and_the_refusal_says_when_to_try_again(world, settings):
    settings.AUDIENCE_LINKS_PER_ADDRESS_PER_HOUR = 3
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    answers = [client.post(world.url("request_link"), {"address": "lou@example.org"}).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert (
        "try again in an hour"
        in client.post(world.url("request_link"), {"address": "lou@example.org"}).content.decode()
    )
    assert len(mail.outbox) == 3


def test_links_are_limited_per_ip(world, settings):
    settings.AUDIENCE_LINKS_PER_IP_PER_HOUR = 2
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    answers = [client.post(world.url("request_link"), {"address": f"p{n}@example.org"}).status_code for n in range(3)]
    assert answers == [200, 200, 429]


def test_a_team_member_cannot_vote_for_their_own_team_by_link_or_signed_in(world):
    by_link = world.verified_client("Camille@lycee-gouges.fr")
    refused = world.vote_for(by_link, "Sans voix")
    assert refused.status_code == 400
    assert "Members of a team cannot vote for their own team's film." in unescape(refused.content.decode())
    signed_in = Client(HTTP_ACCEPT_LANGUAGE="en")
    signed_in.force_login(world.member)
    assert world.vote_for(signed_in, "Sans voix").status_code == 400
    assert world.vote_for(signed_in, "Le silence").status_code == 302
    assert list(AudienceBallot.objects.values_list("entry__title", flat=True)) == ["Le silence"]


def test_a_voter_sees_and_votes_only_for_films_they_may_watch_at_that_second(world):
    later = timezone.now() + timedelta(hours=2)
    late = build_world_entry(world, "Demain", at=later)
    client = world.verified_client("lou@example.org")
    with time_machine.travel(later - timedelta(seconds=1), tick=False):
        page = client.get(world.vote_url).content.decode()
        assert "Demain" not in page and "Après" not in page  # Après is shown to the community only
        assert world.vote_for(client, "Demain").status_code == 400
        assert world.vote_for(client, "Après").status_code == 400
    with time_machine.travel(later, tick=False):
        assert "Demain" in client.get(world.vote_url).content.decode()
        assert world.vote_for(client, "Demain").status_code == 302
    assert AudienceBallot.objects.get().entry == late


def build_world_entry(world, title, *, at):
    from contest.models import Entry
    from tests.factories import EntryFactory, TeamFactory

    entry = EntryFactory(team=TeamFactory(contest=world.contest), title=title, status=Entry.Status.SUBMITTED)
    publish_film(entry, at=at)
    world.entries[title] = entry
    return entry


def test_a_community_vote_asks_strangers_to_sign_in_and_refuses_outsiders():
    world = build_world(electorate=AudienceVote.Electorate.COMMUNITY)
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="needs-sign-in"' in anonymous.get(world.vote_url).content.decode()
    assert anonymous.post(world.url("request_link"), {"address": "lou@example.org"}).status_code == 400
    outsider = Client(HTTP_ACCEPT_LANGUAGE="en")
    outsider.force_login(UserFactory(email="someone@example.org"))  # verified, but in no community
    assert 'id="refusal"' in outsider.get(world.vote_url).content.decode()
    assert world.vote_for(outsider, "Le silence").status_code == 400
    member = Client(HTTP_ACCEPT_LANGUAGE="en")
    member.force_login(world.member)  # in an approved team of the contest's institution
    assert "Après" in member.get(world.vote_url).content.decode()  # the community's film is theirs to vote for
    assert world.vote_for(member, "Après").status_code == 302
    assert AudienceBallot.objects.get().voter.user == world.member


def test_no_vote_from_the_close_to_the_second():
    world = build_world(closes_in=timedelta(hours=1))
    client = world.verified_client("lou@example.org")
    vote = world.vote
    with time_machine.travel(vote.closes_at - timedelta(seconds=1), tick=False):
        answer = world.vote_for(client, "Sans voix")
        assert answer.status_code == 302, unescape(answer.content.decode())
    with time_machine.travel(vote.closes_at, tick=False):
        refused = world.vote_for(client, "Le silence")
        assert refused.status_code == 400
        assert "This vote is not open." in unescape(refused.content.decode())
    assert AudienceBallot.objects.get().entry.title == "Sans voix"


def test_malformed_ballots_answer_400(world):
    client = world.verified_client("lou@example.org")
    for data in ({}, {"entry": "not-a-uuid"}, {"entry": "00000000-0000-0000-0000-000000000000"}):
        assert client.post(world.url("cast"), data).status_code == 400
    assert Client().post(world.url("cast"), {"entry": str(world.entries["Sans voix"].public_id)}).status_code == 400
    assert not AudienceBallot.objects.exists()


def test_a_vote_of_another_contest_is_404(world):
    other = build_world_other_contest()
    client = world.verified_client("lou@example.org")
    url = f"/c/{world.contest.slug}/vote/{other.pk}/"
    assert client.get(url).status_code == 404


def build_world_other_contest():
    from tests.factories import ContestFactory, PrizeFactory

    contest = ContestFactory()
    now = timezone.now()
    return AudienceVote.objects.create(
        contest=contest,
        prize=PrizeFactory(contest=contest),
        electorate=AudienceVote.Electorate.ANYONE,
        opens_at=now,
        closes_at=now + timedelta(days=1),
    )


def test_the_vote_page_in_french_by_default(world):
    body = Client(HTTP_ACCEPT_LANGUAGE="fr").get(world.vote_url).content.decode()
    assert "Vérifiez votre adresse" in body
    assert "Envoyez-moi le lien" in body


def test_the_contest_page_links_to_a_vote_while_it_is_open(world):
    page = reverse("contest_detail", kwargs={"contest_slug": world.contest.slug})
    link = f'href="{world.vote_url}"'
    with time_machine.travel(world.vote.opens_at - timedelta(seconds=1), tick=False):
        assert link not in Client().get(page).content.decode()
    with time_machine.travel(world.vote.opens_at, tick=False):
        body = Client(HTTP_ACCEPT_LANGUAGE="en").get(page).content.decode()
        assert link in body and "Vote for the Audience award" in body
        assert link in Client().get("/").content.decode()
    with time_machine.travel(world.vote.closes_at, tick=False):
        assert link not in Client().get(page).content.decode()
