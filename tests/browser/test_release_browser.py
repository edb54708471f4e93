"""The seed case in Chromium: an anonymous visitor sees « Sans voix »'s award and no way to play the film; one
second after the public step (no worker running), the same visitor reads the warnings and the film plays. The film
is a small real one made by media_pipeline.samples and put through the real pipeline (proxy, posters), served by
short-lived signed URLs from the delivery view."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from contest.models import ContestRole, Entry, SupportResource
from judging.models import Award
from media_pipeline.delivery import playable
from media_pipeline.demo import add_sample_film
from media_pipeline.models import Film, Rendition
from releases import services
from releases.models import Target
from tests.factories import (
    ContentWarningFactory,
    ContestRoleFactory,
    EntryFactory,
    InstitutionFactory,
    PrizeFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITATION = "For a silence that says everything, and the courage to break it together."


def _seed_case():
    team = TeamFactory(name="Les Voix Cachées", institution=InstitutionFactory(name="Lycée Olympe de Gouges"))
    contest = team.contest
    captain = UserFactory(full_name="Camille Rivière")
    TeamMemberFactory(team=team, user=captain)
    entry = EntryFactory(team=team, title="Sans voix", status=Entry.Status.SUBMITTED, synopsis_en="Léa stops talking.")
    entry.content_warnings.set([ContentWarningFactory(contest=contest, name_en="Sexual violence")])
    SupportResource.objects.create(contest=contest, name="Viols Femmes Informations", phone="0800 05 95 95")
    prize = PrizeFactory(contest=contest, name_fr="Premier prix", name_en="First prize")
    organiser = ContestRoleFactory(contest=contest, role=ContestRole.Role.ORGANISER).user
    Award.objects.create(contest=contest, prize=prize, entry=entry, citation_en=CITATION)
    film = add_sample_film(entry, seconds=4)
    assert Film.objects.get(pk=film.pk).state == Film.State.READY
    assert playable(entry).key == film.renditions.get(kind=Rendition.Kind.PROXY).key

    now = timezone.now().replace(microsecond=0)
    public_at = now + timedelta(days=1)
    release = services.ensure_release(entry=entry, by=organiser)
    services.add_step(
        release=release,
        target=Target.ANNOUNCEMENT,
        at=now,
        audiences={"team", "jury", "community", "public"},
        by=organiser,
    )
    services.add_step(
        release=release, target=Target.FILM, at=now, audiences={"team", "jury", "community"}, by=organiser
    )
    services.add_step(
        release=release,
        target=Target.FILM,
        at=public_at,
        audiences={"team", "jury", "community", "public"},
        by=organiser,
    )
    services.approve_film_steps(
        release=release, step_ids=[step.pk for step in services.pending_approvals(release)], by=captain
    )
    return contest, entry, public_at


def test_anonymous_visitor_sees_the_award_then_after_the_step_the_film_plays(live_server, page, tmp_path):
    contest, entry, public_at = _seed_case()
    palmares = f"{live_server.url}/palmares/{contest.slug}/"
    film_url = f"{live_server.url}/palmares/{contest.slug}/films/{entry.public_id}/watch/"

    page.goto(palmares)
    assert page.locator("h2", has_text="Sans voix").is_visible()
    assert page.get_by_text("First prize").is_visible()
    assert page.get_by_text(CITATION).is_visible()
    assert page.get_by_text("Watch the film").count() == 0
    page.click("text=Sans voix")
    page.wait_for_load_state("load")
    assert page.locator("h1", has_text="Sans voix").is_visible()
    # The film is for the community only: its still too; the app's title card stands in.
    assert page.evaluate("() => document.querySelector('img.poster').naturalWidth") == 1200
    assert page.locator("#film-not-shown").is_visible()
    assert page.locator("video").count() == 0
    html = page.content()
    assert "/media/" not in html and "/watch/" not in html
    page.screenshot(path=str(tmp_path / "before-the-step.png"), full_page=True)
    refused = page.goto(film_url)
    assert refused.status == 404
    assert "Sans voix" not in page.content()

    with time_machine.travel(public_at + timedelta(seconds=1), tick=True):
        page.goto(palmares)
        page.click("text=Watch the film")
        assert page.url == film_url
        assert page.get_by_text("Sexual violence").is_visible()
        assert page.get_by_text("Viols Femmes Informations").is_visible()
        assert not page.locator("#release-player").is_visible()  # behind the warnings until the visitor chooses
        page.click("text=I have read the warnings: show the film")
        player = page.locator("#release-player")
        player.wait_for(state="visible")  # the warnings' <details> opens on the click; is_visible() alone races it
        page.evaluate("() => { const v = document.getElementById('release-player'); v.muted = true; v.play(); }")
        page.wait_for_function("() => document.getElementById('release-player').readyState >= 2", timeout=30_000)
        page.wait_for_function("() => document.getElementById('release-player').currentTime > 1", timeout=30_000)
        assert page.evaluate("() => document.getElementById('release-player').videoWidth") == 640
        page.screenshot(path=str(tmp_path / "after-the-step.png"), full_page=True)

        # On a phone the page is no wider than the screen, player included.
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        page.click("text=I have read the warnings: show the film")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        box = page.locator("#release-player").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
