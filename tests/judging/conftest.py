from dataclasses import dataclass

import pytest

from contest.models import ContentWarning, ContestRole, Entry, SupportResource
from judging import players
from judging.models import Assignment, Criterion, Round
from media_pipeline.players import Player, Source, Track
from tests.factories import (
    ContestFactory,
    ContestRoleFactory,
    EntryFactory,
    InstitutionFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)

from .factories import CriterionFactory, RoundFactory, assign, seated_juror


@dataclass
class Scene:
    contest: object
    round: Round
    criteria: list[Criterion]
    entry: Entry
    juror: object
    other_juror: object
    organiser: object
    assignment: Assignment
    identifying: list[str]


@pytest.fixture
def scene(db):
    """A blind contest whose film « Sans voix » is assigned to one juror, with everything that could identify it."""
    contest = ContestFactory(slug="sans-voix-2026")
    institution = InstitutionFactory(name="Lycée Olympe de Gouges")
    team = TeamFactory(contest=contest, name="Les Voix Cachées", institution=institution)
    captain = UserFactory(full_name="Camille Rivière", email="camille.riviere@example.org")
    member = UserFactory(full_name="Noé Laurent", email="noe.laurent@example.org")
    TeamMemberFactory(team=team, user=captain, job="réalisation")
    TeamMemberFactory(team=team, user=member, job="image")
    warning = ContentWarning.objects.create(
        contest=contest, code="sexual_violence", name_fr="Violences sexuelles", name_en="Sexual violence"
    )
    SupportResource.objects.create(contest=contest, name="Numéro national 3919", phone="3919")
    entry = EntryFactory(
        team=team,
        title="Sans voix",
        synopsis_en="A girl stops speaking after a party.",
        credits="Directed by Camille Rivière, camera Noé Laurent",
        status=Entry.Status.SUBMITTED,
        film_accepted=True,
        runtime_s=95,
    )
    entry.content_warnings.set([warning])
    round = RoundFactory(contest=contest, name_en="Final", jurors_per_entry=2)
    criteria = [
        CriterionFactory(round=round, name_en="Message", weight=2, scale_min=1, scale_max=5, step=1),
        CriterionFactory(round=round, name_en="Craft", weight=1, scale_min=0, scale_max=20, step="0.5"),
    ]
    juror = seated_juror(round, email="juror1@example.org")
    other = seated_juror(round, email="juror2@example.org")
    organiser = ContestRoleFactory(contest=contest, role=ContestRole.Role.ORGANISER).user
    assignment = assign(round, juror, entry)
    identifying = [
        "Les Voix Cachées",
        "Lycée Olympe de Gouges",
        "Camille",
        "Rivière",
        "Noé",
        "Laurent",
        "camille.riviere",
        "noe.laurent",
        "Directed by",
        str(entry.public_id),
    ]
    return Scene(contest, round, criteria, entry, juror, other, organiser, assignment, identifying)


@pytest.fixture
def proxy_provider(scene):
    """What the media pipeline will register: URLs named by entry code only."""

    def provider(entry, screener_url=None):
        return Player(
            sources=(
                Source(url=f"/media/proxy/{entry.code}-light.mp4", type="video/mp4", media="(max-width: 40rem)"),
                Source(url=f"/media/proxy/{entry.code}.mp4", type="video/mp4"),
            ),
            tracks=(Track(url=f"/media/proxy/{entry.code}.fr.vtt", language="fr", label="Français"),),
        )

    players.register_player_provider(provider)
    yield provider
    players.unregister_player_provider(provider)
