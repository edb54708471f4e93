"""The deliberation live (issue 15, point 2): the president opens it from their queue and leads it; two jurors'
screens follow without a reload: the film under discussion and each decision appear on their pages by themselves
(static/js/deliberation.js asks for the state every second)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contest.models import ContestRole
from judging import services
from tests.factories import ContestRoleFactory, PrizeFactory
from tests.judging.factories import CriterionFactory, RoundFactory, seated_juror, submitted_entry, submitted_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_jurors_follow_the_presidents_deliberation_on_their_own_screens(live_server, browser, login):
    now = timezone.now()
    round = RoundFactory(name_en="Final", opens_at=now - timedelta(days=5), closes_at=now - timedelta(minutes=5))
    contest = round.contest
    CriterionFactory(round=round)
    film = submitted_entry(contest, title="Sans voix")
    other = submitted_entry(contest, title="Le silence")
    president, first, second = (seated_juror(round, email=f"jury{n}@example.org") for n in (1, 2, 3))
    for juror in (president, first, second):
        submitted_review(round, juror, film, [5])
        submitted_review(round, juror, other, [2])
    PrizeFactory(contest=contest, name_en="First prize")
    organiser = ContestRoleFactory(contest=contest, role=ContestRole.Role.ORGANISER).user
    services.name_president(contest=contest, user=president, by=organiser)

    pages = {}
    for juror in (president, first, second):
        context = browser.new_context(locale="en-GB", viewport={"width": 1200, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, juror.email)
        page.goto(f"{live_server.url}/c/{contest.slug}/jury/rounds/{round.pk}/")
        pages[juror] = page
    lead = pages[president]
    with lead.expect_navigation():
        lead.get_by_role("button", name="Open the deliberation").click()
    followers = [pages[first], pages[second]]
    navigations = []
    for page in followers:
        page.reload()
        with page.expect_navigation():
            page.get_by_role("link", name="Deliberation in progress: follow it").click()
        page.wait_for_load_state("load")  # deliberation.js is running
        assert page.locator("#current-entry").inner_text() == "No film under discussion yet."
        page.on("framenavigated", lambda frame, page=page: frame == page.main_frame and navigations.append(frame.url))

    with lead.expect_navigation():
        lead.locator(f"#ranking tr[data-code='{film.code}'] button").click()
    for page in followers:
        page.wait_for_function(
            f"() => document.getElementById('current-entry').dataset.code === '{film.code}'", timeout=10_000
        )
        assert page.locator("#current-entry").inner_text() == f"{film.code} · Sans voix"
        assert page.locator(f"#ranking tr[data-code='{film.code}']").get_attribute("aria-current") == "true"

    lead.select_option("#decision-kind", "prize")
    lead.select_option("#decision-prize", label="First prize")
    with lead.expect_navigation():
        lead.locator("#decide button[type=submit]").click()
    for page in followers:
        page.wait_for_function(
            "() => document.querySelectorAll('#decisions li[data-kind]').length === 1", timeout=10_000
        )
        assert (
            page.locator("#decisions li[data-kind]")
            .inner_text()
            .startswith(f"{film.code} · Sans voix proposed for First prize")
        )
    assert navigations == []  # the followers' pages changed without a reload
    for page in pages.values():
        page.context.close()
