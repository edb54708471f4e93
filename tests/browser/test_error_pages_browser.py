"""The 404 page in Chromium, as a French visitor on a phone and a desktop sees it: the site's styled layout, no wider
than the screen, with its way back to the contest."""

import pytest

from tests.browser.journey import VIEWPORTS
from tests.factories import ContestFactory, EntryFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_a_hidden_entry_shows_the_styled_french_404_with_a_way_back(browser, live_server, settings, tmp_path, viewport):
    settings.LANGUAGE_CODE = "fr"
    contest = ContestFactory(title_fr="ACTION contre les VSS")
    entry = EntryFactory(team=TeamFactory(contest=contest), title="Film caché")
    context = browser.new_context(locale="fr-FR", viewport=VIEWPORTS[viewport])
    page = context.new_page()
    response = page.goto(f"{live_server.url}/palmares/{contest.slug}/films/{entry.public_id}/")
    page.screenshot(path=str(tmp_path / f"404-{viewport}.png"), full_page=True)
    assert response.status == 404
    assert page.locator("header.site-header").is_visible()
    assert page.get_by_role("heading", name="Page introuvable").is_visible()
    assert "Film caché" not in page.content()
    assert page.evaluate("getComputedStyle(document.querySelector('.error-page')).borderTopStyle") == "solid"
    assert page.evaluate("document.documentElement.scrollWidth") == VIEWPORTS[viewport]["width"]
    page.get_by_role("link", name="Retour à «\u00a0ACTION contre les VSS\u00a0»").click()
    page.wait_for_load_state("load")
    assert page.url == f"{live_server.url}/c/{contest.slug}/"
    context.close()
