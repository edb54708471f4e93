"""The team's journey in Chromium, through links only after the contest's page, at desktop and phone sizes, in
French: register → the page says the team waits for approval → (an organiser approves it) → a new entry → upload a
real film through the upload contract → (the pipeline checks it) → the verdict and the preview → submit → (later:
a prize awarded and announced to the team, a public showing of the film planned) → the team sees its prize and the
showing waiting for its approval, and follows the link to answer.

The notices' texts ("Prize won: …", "A showing of your film waits for your team's approval.") must be in the French
catalogue: untranslated, they contain "your team", a msgid of it, and the harness fails the page as English."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation
from django.utils.translation import gettext

from contest import services as contest_services
from contest.models import Entry, Team
from judging.models import Award
from media_pipeline.demo import process_now
from media_pipeline.models import Film
from media_pipeline.samples import make_film
from releases import services as releases
from tests.factories import ContestFactory, ContestRoleFactory, InstitutionFactory, PrizeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fr(text: str) -> str:
    with translation.override("fr"):
        return gettext(text)


def wait_until(page, condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not condition():  # wait_for_function needs eval, which the CSP forbids
        assert time.monotonic() < deadline, "condition not met in time"
        page.wait_for_timeout(100)


def test_team_journey(journey, tmp_path):
    contest = ContestFactory(title_fr="Festival du court", min_resolution_px=180)
    institution = InstitutionFactory(name="Lycée Jean Moulin")
    contest.institutions.add(institution)
    organiser = ContestRoleFactory(contest=contest).user
    prize = PrizeFactory(contest=contest, name_fr="Grand prix du jury")
    page = journey.page

    journey.open(f"/c/{contest.slug}/")
    journey.follow(fr("Register a team"))
    page.fill("input[name=account-full_name]", "Inès Martin")
    page.fill("input[name=account-email]", "ines@example.org")
    page.fill("input[name=account-password]", "un mot de passe assez long")
    page.fill("input[name=team-name]", "Les Taiseux")
    page.select_option("select[name=team-institution]", label="Lycée Jean Moulin")
    journey.submit(page.get_by_role("button", name=fr("Register"), exact=True))
    assert page.locator("[data-team-approval=pending]").is_visible()  # the page says the team waits for approval

    team = Team.objects.get(name="Les Taiseux")
    contest_services.approve_team(team=team, by=organiser)  # the organiser, on their own page
    journey.follow(fr("My team"))
    assert page.locator("[data-team-approval]").count() == 0

    journey.follow(fr("New entry"))
    page.fill("input[name=title]", "Sans voix")
    page.fill("textarea[name=synopsis_fr]", "Une élève cesse de parler ; sa classe apprend à l’écouter.")
    for name in ("consent_on_screen", "rights_cleared", "rules_accepted"):
        page.locator(f"label[for=id_{name}]").click()  # the label beside the box ticks it
        assert page.locator(f"#id_{name}").is_checked()
    journey.submit(page.get_by_role("button", name=fr("Save"), exact=True))
    entry = Entry.objects.get(team=team)

    film_path = make_film(tmp_path / "sans-voix.mp4", duration_s=2, width=320, height=180, fps=12)
    page.set_input_files("#film-file", str(film_path))
    page.wait_for_selector("#film-upload[data-upload-state=done]", state="attached", timeout=30_000)
    journey.check("upload")
    film = Film.objects.get(entry=entry)
    assert process_now(film.pk) == Film.State.READY  # what the workers do
    page.wait_for_selector("#film-status video.film-player", timeout=30_000)
    wait_until(page, lambda: page.locator(".film-current").get_attribute("data-film-state") == "ready")
    journey.check("verdict")
    assert page.locator(".film-current .film-name").inner_text() == "sans-voix.mp4"
    assert not page.locator(".upload-pause").is_visible()

    journey.submit(page.get_by_role("button", name=fr("Submit"), exact=True))
    entry.refresh_from_db()
    assert entry.status == Entry.Status.SUBMITTED

    # Later: the jury's prize, its announcement to the team at a second, and a public showing planned.
    at = timezone.now().replace(microsecond=0) + timedelta(hours=2)
    Award.objects.create(contest=contest, prize=prize, entry=entry, decided_by=organiser)
    release = releases.ensure_release(entry=entry, by=organiser)
    releases.add_step(release=release, target="announcement", at=at, audiences={"team"}, by=organiser)
    releases.add_step(release=release, target="film", at=at + timedelta(days=1), audiences={"public"}, by=organiser)
    with time_machine.travel(at + timedelta(seconds=1), tick=True):
        journey.follow(fr("My team"))
        prize_notice = page.locator("[data-notice=prize]")
        assert prize_notice.inner_text().startswith(fr("Prize won: %(prize)s.") % {"prize": "Grand prix du jury"})
        approval = page.locator("[data-notice=release_approval]")
        assert approval.inner_text().startswith(fr("A showing of your film waits for your team's approval."))
        journey.follow(fr("Read the plan and answer"), within=approval)
        assert page.url.endswith(f"/c/{contest.slug}/team/releases/{entry.public_id}/")
