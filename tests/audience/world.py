"""A contest with an audience vote for its « Prix du public » and three submitted films, two of them public from
the start and one released to the community only, with the people each test asks for."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audience.models import AudienceVote
from contest.models import ContestRole, Entry
from releases.models import Release, ReleaseStep, Target
from tests.factories import (
    ContestFactory,
    ContestRoleFactory,
    EntryFactory,
    InstitutionFactory,
    PrizeFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)


@dataclass
class World:
    contest: object
    prize: object
    vote: AudienceVote
    organiser: object
    entries: dict = field(default_factory=dict)  # title -> Entry
    member: object = None  # a member of the team of « Sans voix »

    @property
    def vote_url(self) -> str:
        return reverse("audience:vote", kwargs={"contest_slug": self.contest.slug, "vote_id": self.vote.pk})

    def url(self, name: str) -> str:
        return reverse(f"audience:{name}", kwargs={"contest_slug": self.contest.slug, "vote_id": self.vote.pk})

    def verified_client(self, address: str) -> Client:
        """A browser that asked for a link for `address` and used it: a verified voter."""
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        mail.outbox.clear()
        response = client.post(self.url("request_link"), {"address": address})
        assert response.status_code == 200, response.content.decode()
        client.post(link_in(mail.outbox[-1].body))
        return client

    def vote_for(self, client: Client, title: str, **extra):
        return client.post(self.url("cast"), {"entry": str(self.entries[title].public_id)}, **extra)


def link_in(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", body).group(1)


def publish_film(entry: Entry, *, at: datetime, audiences=("public",)) -> Release:
    release, _ = Release.objects.get_or_create(contest=entry.contest, entry=entry)
    flags = {f"to_{audience}": True for audience in audiences}
    for target in (Target.ANNOUNCEMENT, Target.FILM):
        ReleaseStep.objects.create(release=release, target=target, at=at, approved_at=at, **flags)
    return release


def build_world(
    *, electorate=AudienceVote.Electorate.ANYONE, domains="", require_watched=False, closes_in=timedelta(days=3)
):
    now = timezone.now()
    institution = InstitutionFactory(name="Lycée Olympe de Gouges", email_domains="lycee-gouges.fr")
    contest = ContestFactory(slug="courts-2026")
    contest.institutions.add(institution)
    prize = PrizeFactory(contest=contest, name_fr="Prix du public", name_en="Audience award")
    organiser = UserFactory(email="organiser@example.org")
    ContestRoleFactory(contest=contest, user=organiser, role=ContestRole.Role.ORGANISER)
    vote = AudienceVote.objects.create(
        contest=contest,
        prize=prize,
        electorate=electorate,
        domains=domains,
        opens_at=now - timedelta(hours=1),
        closes_at=now + closes_in,
        require_watched=require_watched,
    )
    world = World(contest=contest, prize=prize, vote=vote, organiser=organiser)
    for title, audiences in (("Sans voix", ("public",)), ("Le silence", ("public",)), ("Après", ("community",))):
        team = TeamFactory(contest=contest, institution=institution, name=f"Équipe {title}")
        entry = EntryFactory(team=team, title=title, status=Entry.Status.SUBMITTED, film_accepted=True)
        publish_film(entry, at=now - timedelta(days=1), audiences=audiences)
        world.entries[title] = entry
    world.member = UserFactory(email="camille@lycee-gouges.fr")
    TeamMemberFactory(team=world.entries["Sans voix"].team, user=world.member)
    return world
