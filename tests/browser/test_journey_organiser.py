"""The organiser's journey, links only after the login page: dashboard → media pipeline → judging → the round's page
(assign jurors) → results → award the prize → the awards page says the announcement must be scheduled → prepare
the release and schedule the announcement and the film to the second → a visitor in a fresh browser sees nothing one
second before and the prize at that second, then plays the film."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from contest.models import ContestRole, Entry
from judging.models import Assignment, Award
from media_pipeline.demo import add_sample_film
from releases import services
from releases.models import ReleaseStep, Target
from tests.browser.journey import VIEWPORTS, Journey
from tests.factories import PASSWORD, ContestFactory, ContestRoleFactory, PrizeFactory, TeamMemberFactory, UserFactory
from tests.judging.factories import CriterionFactory, RoundFactory, seated_juror, submitted_entry, submitted_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITATION = "Pour un silence qui dit tout."


def _contest():
    contest = ContestFactory(title_fr="Festival des lycées", title_en="School festival", blind_judging=False)
    organiser = UserFactory(email="organiser@example.org", preferred_language="fr")
    ContestRoleFactory(contest=contest, user=organiser, role=ContestRole.Role.ORGANISER)
    round = RoundFactory(contest=contest, name_fr="Tour final", jurors_per_entry=2)
    CriterionFactory(round=round, name_fr="Mise en scène", order=1)
    CriterionFactory(round=round, name_fr="Son", order=2)
    jurors = [seated_juror(round, full_name=name) for name in ("Alice Martin", "Bruno Petit", "Chloé Roux")]
    winner = submitted_entry(contest, title="Sans voix")
    other = submitted_entry(contest, title="Le Phare")
    submitted_review(round, jurors[0], winner, [5, 4])
    submitted_review(round, jurors[1], winner, [4, 5])
    submitted_review(round, jurors[0], other, [2, 3])
    captain = UserFactory(full_name="Camille Rivière")
    TeamMemberFactory(team=winner.team, user=captain)
    add_sample_film(winner, seconds=2)
    PrizeFactory(contest=contest, name_fr="Premier prix", name_en="First prize")
    return contest, organiser, round, winner, captain


def _visitor(browser, journey: Journey) -> Journey:
    """A fresh browser context, nobody signed in, at the same size and language and checked the same way."""
    context = browser.new_context(
        locale="fr-FR", viewport=VIEWPORTS[journey.viewport], has_touch=journey.viewport == "phone"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    shots = journey.shots.parent / f"{journey.shots.name}-visitor"
    shots.mkdir()
    visitor = Journey(
        page=page, base_url=journey.base_url, viewport=journey.viewport, shots=shots, english=journey.english
    )
    page.on("console", lambda message: message.type == "error" and visitor.errors.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: visitor.errors.append(f"uncaught: {error}"))
    page.on(
        "response", lambda r: r.status >= 400 and visitor.errors.append(f"{r.status} for {r.request.method} {r.url}")
    )
    return visitor


def test_organiser_awards_a_prize_schedules_it_and_the_public_sees_it_at_that_second(journey, browser):
    contest, organiser, round, winner, captain = _contest()
    page = journey.page
    public_at = (timezone.now() + timedelta(hours=1)).replace(microsecond=0)
    typed_at = timezone.localtime(public_at, contest.tzinfo).strftime("%Y-%m-%dT%H:%M:%S")
    shown_time = timezone.localtime(public_at, contest.tzinfo).strftime("%H:%M:%S")

    journey.open("/accounts/login/")
    page.fill("input[name=username]", organiser.email)
    page.fill("input[name=password]", PASSWORD)
    journey.submit(page.locator("main form button[type=submit]"), step="log in")

    journey.follow("Organisation · Festival des lycées")
    journey.follow("Traitement des vidéos")
    assert page.get_by_role("heading", name="Traitement des vidéos").is_visible()
    journey.follow("tours et attribution", exact=False)
    journey.follow("Tour final")

    journey.submit(page.get_by_role("button", name="Attribuer automatiquement"), step="assign")
    assert Assignment.objects.filter(round=round).count() == 4  # « Le Phare » gets its second juror
    assert page.locator("#assignment-count").text_content() == "4"

    journey.follow("Résultats")
    first = page.locator("#ranking tbody tr").first
    assert "Sans voix" in first.text_content()
    assert page.locator("svg.chart").count() == 3  # the jurors' chart and one per criterion
    width = page.evaluate("document.documentElement.clientWidth")
    for box in page.locator("svg.chart").evaluate_all("(charts) => charts.map((c) => c.getBoundingClientRect().right)"):
        assert box <= width

    journey.follow("Prix décernés")
    page.select_option("select[name=prize]", label="Premier prix")
    page.fill("input[name=code]", winner.code)
    page.fill("textarea[name=citation_fr]", CITATION)
    journey.submit(page.get_by_role("button", name="Enregistrer"), step="award")
    assert Award.objects.filter(entry=winner, prize__name_fr="Premier prix").exists()
    state = page.locator(".announcement-state")
    assert "Annonce non programmée\u00a0: le palmarès n’affiche pas ce prix." in state.text_content()

    journey.follow("Programmer l’annonce")
    assert page.locator("select[name=entry] option:checked").text_content() == "Sans voix"  # offered first
    journey.submit(page.get_by_role("button", name="Préparer une diffusion"), step="prepare the release")

    for target, audiences in (("announcement", ("jury", "public")), ("film", ("jury", "public"))):
        page.check(f"input[name=step-target][value={target}]")
        for audience in audiences:
            page.check(f"input[name=step-audiences][value={audience}]")
        page.fill("input[name=step-at]", typed_at)
        journey.submit(page.get_by_role("button", name="Ajouter l’étape"), step=f"schedule the {target}")
    steps = ReleaseStep.objects.filter(release__entry=winner, cancelled_at__isnull=True)
    assert sorted((step.target, step.at) for step in steps) == [
        (Target.ANNOUNCEMENT, public_at),
        (Target.FILM, public_at),
    ]
    assert page.locator("#steps [data-step-state=upcoming]").count() == 2
    assert page.locator("#steps").get_by_text(shown_time).count() == 2

    # The team's part, on its own page: it approves showing its film to everyone.
    release = winner.release
    services.approve_film_steps(
        release=release, step_ids=[s.pk for s in services.pending_approvals(release)], by=captain
    )

    journey.follow("Prix décernés")
    assert "Annonce programmée pour le " in state.text_content()
    assert f"à {shown_time} (Europe/Paris)" in state.text_content()
    journey.follow("Calendrier de diffusion")
    palmares = page.get_by_role("link", name="Palmarès public").get_attribute("href")

    visitor = _visitor(browser, journey)
    try:
        with time_machine.travel(public_at - timedelta(seconds=1), tick=False):
            visitor.open(palmares)
            assert visitor.page.get_by_text("Premier prix").count() == 0
            assert "Sans voix" not in visitor.page.content()
        with time_machine.travel(public_at, tick=False):
            visitor.page.reload()
            visitor.page.wait_for_load_state("networkidle")
            visitor.check("the palmarès at that second")
            winner_card = visitor.page.locator("article.winner")
            assert winner_card.locator(".prize").text_content() == "Premier prix"
            assert winner_card.get_by_role("link", name="Sans voix").is_visible()
            assert winner_card.get_by_text(CITATION).is_visible()
            visitor.follow("Regarder le film")
            assert visitor.page.locator("video").count() == 1
    finally:
        visitor.page.context.close()
    assert Entry.objects.get(pk=winner.pk).status == Entry.Status.SUBMITTED
