"""The audience vote from the organisers' side: the setup, the turnout while it runs, the count from the close's
second (and not before, for anyone), the anomaly report, voided votes, and the award form's proposal."""

from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audience import selectors
from audience.models import AudienceBallot, AudienceVote, Voter
from contest.models import AuditEvent, ContestRole
from media_pipeline.models import Film, SegmentDelivery, ViewingSession
from tests.factories import ContestRoleFactory, PrizeFactory, UserFactory, stored_screener

from .world import build_world

pytestmark = pytest.mark.django_db


def _ballot(world, title, n, *, ip="198.51.100.7", at=None, watched=True):
    voter = Voter.objects.create(contest=world.contest, address_hash=f"{n:064x}", domain="example.org", ip=ip)
    return AudienceBallot.objects.create(
        vote=world.vote,
        voter=voter,
        entry=world.entries[title],
        cast_at=at or timezone.now(),
        ip=ip,
        network=ip.rsplit(".", 1)[0] + ".0/24",
        watched=watched,
    )


def _client(world, role):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role == "anonymous":
        return client
    if role == "organiser":
        client.force_login(world.organiser)
    elif role == "other_organiser":
        other = UserFactory()
        ContestRoleFactory(user=other, role=ContestRole.Role.ORGANISER)  # of another contest
        client.force_login(other)
    elif role == "juror":
        juror = UserFactory()
        ContestRoleFactory(contest=world.contest, user=juror, role=ContestRole.Role.JUROR)
        client.force_login(juror)
    elif role == "team_member":
        client.force_login(world.member)
    elif role == "voter":
        return world.verified_client("lou@example.org")
    return client


@pytest.mark.parametrize("role", ["organiser", "other_organiser", "juror", "team_member", "voter", "anonymous"])
@pytest.mark.parametrize("moment", [-1, 0, 1])
def test_the_count_is_read_by_organisers_only_from_the_close_to_the_second(role, moment):
    world = build_world(closes_in=timedelta(hours=1))
    for n in range(3):
        _ballot(world, "Le silence", n)
    _ballot(world, "Sans voix", 9)
    results = reverse("audience:results", kwargs={"contest_slug": world.contest.slug, "vote_id": world.vote.pk})
    client = _client(world, role)
    with time_machine.travel(world.vote.closes_at + timedelta(seconds=moment), tick=False):
        page = client.get(results)
        vote_page = client.get(world.vote_url).content.decode()
    assert 'id="tally"' not in vote_page and 'class="votes"' not in vote_page  # voters never read a count
    if role in ("anonymous", "voter"):
        assert page.status_code == 302  # to the login page
        return
    if role != "organiser":
        assert page.status_code == 404
        return
    body = page.content.decode()
    assert page.status_code == 200
    if moment < 0:
        assert 'id="tally"' not in body and "Le silence" not in body
        assert 'data-ballots="4"' in body  # the turnout, nothing more
    else:
        assert 'id="tally"' in body
        assert (
            '<tr data-entry="%s"><td>%s · Le silence</td><td class="votes">3</td></tr>'
            % ((world.entries["Le silence"].code,) * 2)
            in body
        )


def test_a_voided_vote_leaves_the_count_and_the_audit_consistent():
    world = build_world(closes_in=timedelta(hours=1))
    kept = [_ballot(world, "Le silence", n) for n in range(2)]
    suspicious = [_ballot(world, "Sans voix", n, ip="203.0.113.5") for n in range(10, 13)]
    client = _client(world, "organiser")
    void = reverse("audience:void", kwargs={"contest_slug": world.contest.slug, "vote_id": world.vote.pk})
    with time_machine.travel(world.vote.closes_at - timedelta(seconds=1), tick=False):
        early = client.post(void, {"ballot": str(suspicious[0].pk), "reason": "x", "confirm": "on"})
        assert early.status_code == 400
        assert "Votes can be voided once the vote is closed." in unescape(early.content.decode())
    with time_machine.travel(world.vote.closes_at + timedelta(minutes=1), tick=False):
        assert selectors.tally(world.vote).winner == world.entries["Sans voix"]
        unconfirmed = client.post(
            void, {"ballot": ",".join(str(b.pk) for b in suspicious), "reason": "Même adresse IP"}
        )
        assert unconfirmed.status_code == 400
        assert AudienceBallot.objects.filter(voided_at__isnull=False).count() == 0
        done = client.post(
            void, {"ballot": ",".join(str(b.pk) for b in suspicious), "reason": "Même adresse IP", "confirm": "on"}
        )
        assert done.status_code == 302
        again = client.post(void, {"ballot": str(suspicious[0].pk), "reason": "encore", "confirm": "on"})
        assert again.status_code == 400
        tally = selectors.tally(world.vote)
        body = client.get(done["Location"]).content.decode()
    assert [(line.entry.title, line.votes) for line in tally.lines] == [("Le silence", 2)]
    assert (tally.counted, tally.voided, tally.void_reasons) == (2, 3, [("Même adresse IP", 3)])
    assert tally.winner == world.entries["Le silence"]
    assert "2 votes counted, 3 voided." in body and "Même adresse IP (3)" in body
    event = AuditEvent.objects.get(verb="audience_ballots_voided")
    assert event.data == {
        "prize": world.prize.pk,
        "count": 3,
        "ballots": sorted(b.pk for b in suspicious),
        "reason": "Même adresse IP",
    }
    assert event.actor == world.organiser
    assert all(b.voided_at is None for b in AudienceBallot.objects.filter(pk__in=[b.pk for b in kept]))


def test_malformed_voids_answer_400():
    world = build_world(closes_in=timedelta(hours=1))
    client = _client(world, "organiser")
    void = reverse("audience:void", kwargs={"contest_slug": world.contest.slug, "vote_id": world.vote.pk})
    with time_machine.travel(world.vote.closes_at + timedelta(minutes=1), tick=False):
        assert client.post(void, {"ballot": "1;2", "reason": "x", "confirm": "on"}).status_code == 400
        assert client.post(void, {"ballot": "", "reason": "x", "confirm": "on"}).status_code == 400


def test_the_anomaly_report_names_bursts_shared_ips_and_votes_without_viewing():
    world = build_world(closes_in=timedelta(hours=2))
    start = timezone.now()
    burst = [_ballot(world, "Sans voix", n, ip=f"192.0.2.{n}", at=start + timedelta(seconds=30 * n)) for n in range(10)]
    spread = [
        _ballot(world, "Le silence", 100 + n, ip=f"198.51.100.{n}", at=start + timedelta(minutes=11 * n))
        for n in range(3)
    ]
    shared = [
        _ballot(world, "Le silence", 200 + n, ip="203.0.113.9", at=start + timedelta(minutes=20 * n)) for n in range(5)
    ]
    unwatched = _ballot(world, "Le silence", 300, ip="100.64.0.1", watched=False)
    unknown = _ballot(world, "Le silence", 301, ip="100.64.1.1", watched=None)
    found = {anomaly.kind: anomaly for anomaly in selectors.anomalies(world.vote)}
    assert found["network_burst"].ballot_ids == [b.pk for b in burst]
    assert found["network_burst"].summary == "10 votes from the network 192.0.2.0/24 within 10 minutes"
    assert found["shared_ip"].ballot_ids == sorted(b.pk for b in shared)
    assert found["not_watched"].ballot_ids == [unwatched.pk]
    assert found["not_watched"].summary == "1 vote for a film the voter had not watched most of"
    assert found["no_evidence"].ballot_ids == [unknown.pk]
    assert "addresses_burst" in found  # 21 voters were made within seconds by this test
    assert not any(b.pk in found["network_burst"].ballot_ids for b in spread)


def test_the_turnout_shows_before_the_close_and_the_award_form_proposes_the_winner_after():
    world = build_world(closes_in=timedelta(hours=1))
    for n in range(2):
        _ballot(world, "Le silence", n)
    _ballot(world, "Sans voix", 5)
    client = _client(world, "organiser")
    home = reverse("audience:organiser", kwargs={"contest_slug": world.contest.slug})
    awards = reverse("judging_awards", kwargs={"contest_slug": world.contest.slug})
    code = world.entries["Le silence"].code
    with time_machine.travel(world.vote.closes_at - timedelta(seconds=1), tick=False):
        assert "3 votes cast." in client.get(home).content.decode()
        assert f'value="{code}"' not in client.get(awards).content.decode()
    with time_machine.travel(world.vote.closes_at, tick=False):
        body = client.get(awards).content.decode()
        assert f'value="{code}"' in body
        assert "the audience vote" in body
        refused = client.post(
            reverse("judging_record_award", kwargs={"contest_slug": world.contest.slug}),
            {"prize": world.prize.pk, "code": world.entries["Sans voix"].code},
        )
        assert refused.status_code == 200
        assert f"The audience vote gives this prize to {code}. Say why the jury chose otherwise." in unescape(
            refused.content.decode()
        )


def test_an_organiser_sets_up_a_vote_and_cannot_change_it_once_open():
    world = build_world()
    prize = PrizeFactory(contest=world.contest, name_en="Second audience award")
    client = _client(world, "organiser")
    url = reverse("audience:set_vote", kwargs={"contest_slug": world.contest.slug, "prize_id": prize.pk})
    p = f"prize{prize.pk}-"
    zone = world.contest.tzinfo
    opens = (timezone.now() + timedelta(hours=2)).astimezone(zone).replace(microsecond=0)
    closes = opens + timedelta(days=7)
    opens_text, closes_text = opens.strftime("%Y-%m-%dT%H:%M:%S"), closes.strftime("%Y-%m-%dT%H:%M:%S")
    wrong = client.post(
        url, {f"{p}electorate": "domains", f"{p}domains": "", f"{p}opens_at": opens_text, f"{p}closes_at": closes_text}
    )
    assert wrong.status_code == 400
    assert "List the domains whose addresses may vote, e.g. lycee-gouges.fr." in unescape(wrong.content.decode())
    assert f'value="{closes_text}"' in wrong.content.decode()
    backwards = client.post(url, {f"{p}electorate": "anyone", f"{p}opens_at": closes_text, f"{p}closes_at": opens_text})
    assert "The vote must close after it opens." in unescape(backwards.content.decode())
    done = client.post(
        url,
        {
            f"{p}electorate": "domains",
            f"{p}domains": "lycee-gouges.fr, @college-sand.fr",
            f"{p}opens_at": opens_text,
            f"{p}closes_at": closes_text,
            f"{p}require_watched": "on",
        },
    )
    assert done.status_code == 302
    vote = AudienceVote.objects.get(prize=prize)
    assert vote.domain_list() == ["college-sand.fr", "lycee-gouges.fr"]
    assert vote.closes_at == closes
    assert vote.require_watched
    with time_machine.travel(vote.opens_at, tick=False):
        late = client.post(
            url, {f"{p}electorate": "anyone", f"{p}opens_at": opens_text, f"{p}closes_at": opens_text[:-2] + "59"}
        )
        assert late.status_code == 400
        assert "This vote has opened: its rules can no longer change." in unescape(late.content.decode())
        remove = reverse("audience:remove_vote", kwargs={"contest_slug": world.contest.slug, "prize_id": prize.pk})
        assert client.post(remove).status_code == 302  # refused with a message: the vote stays
    assert AudienceVote.objects.get(prize=prize).closes_at == vote.closes_at
    assert AuditEvent.objects.filter(verb="audience_vote_set").count() == 1


def test_only_organisers_of_the_contest_reach_its_audience_pages():
    world = build_world()
    home = reverse("audience:organiser", kwargs={"contest_slug": world.contest.slug})
    for role in ("other_organiser", "juror", "team_member"):
        assert _client(world, role).get(home).status_code == 404
    assert _client(world, "organiser").get(home).status_code == 200


def test_a_vote_that_requires_watching_counts_what_the_server_delivered():
    world = build_world(require_watched=True)
    entry = world.entries["Le silence"]
    film = Film.objects.create(
        entry=entry,
        key="uploads/x.mov",
        original_name="x.mov",
        content_type="video/mp4",
        size=1,
        checksum="x",
        state=Film.State.READY,
    )
    stored_screener(film, segments=10, marked=False)
    client = world.verified_client("lou@example.org")
    refused = world.vote_for(client, "Le silence")
    assert refused.status_code == 400
    assert "Watch most of the film (at least 80 %) before voting for it." in unescape(refused.content.decode())
    from media_pipeline.viewing import digest

    session = ViewingSession.objects.create(
        film=film,
        kind=ViewingSession.Kind.PUBLIC,
        token_hash="t" * 64,
        browser_hash=digest(client.session.session_key),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    SegmentDelivery.objects.bulk_create([SegmentDelivery(session=session, segment=n) for n in range(7)])
    assert world.vote_for(client, "Le silence").status_code == 400  # 7 of 10 seconds
    SegmentDelivery.objects.create(session=session, segment=7)
    assert world.vote_for(client, "Le silence").status_code == 302  # 8 of 10
    assert AudienceBallot.objects.get().watched is True
    # A film without a screener plays its MP4: nothing can be counted, the vote stands and the report says so.
    assert world.vote_for(client, "Sans voix").status_code == 302
    assert AudienceBallot.objects.get().watched is None


def test_an_organiser_closes_the_vote_early_with_a_confirmation_and_from_that_second_nobody_votes():
    world = build_world()
    voter = world.verified_client("lou@example.org")
    world.vote_for(voter, "Le silence")
    client = _client(world, "organiser")
    close = reverse("audience:close", kwargs={"contest_slug": world.contest.slug, "vote_id": world.vote.pk})
    results = reverse("audience:results", kwargs={"contest_slug": world.contest.slug, "vote_id": world.vote.pk})
    assert 'id="close"' in client.get(results).content.decode()
    assert client.post(close).status_code == 400  # the confirmation box is required
    assert AudienceVote.objects.get().is_open(timezone.now())
    assert client.post(close, {"confirm": "on"}).status_code == 302
    body = client.get(results).content.decode()
    assert 'id="tally"' in body and 'id="close"' not in body
    refused = world.vote_for(voter, "Sans voix")
    assert refused.status_code == 400 and "This vote is not open." in unescape(refused.content.decode())
    assert client.post(close, {"confirm": "on"}).status_code == 400
    event = AuditEvent.objects.get(verb="audience_vote_closed")
    assert event.data["prize"] == world.prize.pk and event.actor == world.organiser
    assert [(line.entry.title, line.votes) for line in selectors.tally(AudienceVote.objects.get()).lines] == [
        ("Le silence", 1)
    ]
