"""The anonymous visitor's journey, through links only: the home page leads to the palmarès, the palmarès to a public
film, and the film plays once its warnings are acknowledged, never before. A real small film (PyAV) put through the
real pipeline; the release built by the releases services, announced and shown publicly, approved by the team."""

import pytest
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from contest.models import ContestRole, Entry, SupportResource
from judging.models import Award
from media_pipeline.demo import add_sample_film
from media_pipeline.models import Film
from releases import services
from releases.models import Target
from tests.factories import (
    ContentWarningFactory,
    ContestFactory,
    ContestRoleFactory,
    EntryFactory,
    InstitutionFactory,
    PrizeFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Le Silence des couloirs"


def _public_film():
    contest = ContestFactory(title_fr="ACTION contre les VSS", description_fr="Films de 1 à 15 minutes.")
    team = TeamFactory(contest=contest, name="Plan Séquence", institution=InstitutionFactory(name="Lycée Simone Veil"))
    captain = UserFactory(full_name="Yanis Bernard")
    TeamMemberFactory(team=team, user=captain)
    entry = EntryFactory(team=team, title=TITLE, status=Entry.Status.SUBMITTED, synopsis_fr="Une rumeur circule.")
    entry.content_warnings.set([ContentWarningFactory(contest=contest, name_fr="Harcèlement")])
    SupportResource.objects.create(contest=contest, name="3018 — Cyberharcèlement", phone="3018")
    prize = PrizeFactory(contest=contest, name_fr="Prix du public")
    organiser = ContestRoleFactory(contest=contest, role=ContestRole.Role.ORGANISER).user
    Award.objects.create(contest=contest, prize=prize, entry=entry, citation_fr="Pour trois voix qui parlent.")
    film = add_sample_film(entry, seconds=6)
    assert Film.objects.get(pk=film.pk).state == Film.State.READY

    now = timezone.now().replace(microsecond=0)
    release = services.ensure_release(entry=entry, by=organiser)
    everyone = {"team", "jury", "community", "link", "public"}
    services.add_step(release=release, target=Target.ANNOUNCEMENT, at=now, audiences=everyone, by=organiser)
    services.add_step(release=release, target=Target.FILM, at=now, audiences=everyone, by=organiser)
    services.approve_film_steps(
        release=release, step_ids=[step.pk for step in services.pending_approvals(release)], by=captain
    )
    services.set_team_name_shown(release=release, show=True, by=captain)
    return contest


def _current_time(page) -> float:
    return page.evaluate("() => document.getElementById('release-player').currentTime")


def test_anonymous_visitor_goes_from_home_to_the_palmares_and_plays_a_public_film_after_its_warnings(journey):
    _public_film()
    page = journey.page
    journey.open("/")
    assert page.get_by_role("heading", name="ACTION contre les VSS").is_visible()
    journey.follow("Palmarès", within=page.locator("main"))
    assert page.get_by_role("heading", name=TITLE).is_visible()
    assert page.get_by_text("Prix du public").is_visible()
    assert page.get_by_text("Plan Séquence (Lycée Simone Veil)").is_visible()
    journey.follow("Regarder le film")
    assert page.get_by_role("heading", name="Avant de regarder").is_visible()
    assert page.get_by_text("Harcèlement", exact=True).is_visible()

    # Before the warnings are acknowledged the player cannot be reached, and nothing plays.
    player = page.locator("#release-player")
    assert not player.is_visible()
    with pytest.raises(PlaywrightTimeout):
        player.click(timeout=1_000)
    assert page.evaluate("() => document.getElementById('release-player').paused") is True
    assert _current_time(page) == 0

    gate = page.locator("details.player-gate > summary")
    assert " ".join(gate.text_content().split()) == "J’ai lu les avertissements : montrer le film"
    gate.click()
    journey.check("warnings acknowledged")
    assert player.is_visible()
    page.evaluate("() => { document.getElementById('release-player').muted = true; }")
    player.click()  # the visitor presses the picture: the player's controls start it
    page.wait_for_function("() => document.getElementById('release-player').currentTime > 1", timeout=30_000)
    assert _current_time(page) > 1
    journey.check("playing")
