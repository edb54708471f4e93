import pytest

from tests.factories import team_with_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_team_logs_in_creates_an_entry_and_is_told_the_film_is_missing(live_server, page, login, tmp_path):
    team, member = team_with_member()
    login(page, member.email)
    page.goto(f"{live_server.url}/c/{team.contest.slug}/team/")
    page.get_by_role("link", name="New entry").click()
    page.fill("#id_title", "Sans voix")
    page.fill("#id_synopsis_fr", "Après une soirée, Léa ne parle plus.")
    assert page.locator("[data-counter-for=id_synopsis_fr]").inner_text() == f"36 / {team.contest.max_synopsis_chars}"
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/team/entries/*/")
    missing = page.locator("[data-testid=missing] li")
    assert page.locator("h1").inner_text().startswith("Sans voix")
    assert "Upload your film: it must be received and accepted by the checks." in missing.all_inner_texts()
    assert "Write a synopsis in French or in English." not in missing.all_inner_texts()
    page.screenshot(path=str(tmp_path / "entry-missing-film.png"), full_page=True)
    assert (tmp_path / "entry-missing-film.png").stat().st_size > 10_000
