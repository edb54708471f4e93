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


def test_the_entry_form_counts_as_you_type_and_shows_each_error_beside_its_field(live_server, page, login, tmp_path):
    team, member = team_with_member(contest__max_synopsis_chars=20)
    subtitles = tmp_path / "sous-titres.srt"
    subtitles.write_text("1\n00:00:05,000 --> 00:00:04,000\nBonjour\n", encoding="utf-8")
    login(page, member.email)
    page.goto(f"{live_server.url}/c/{team.contest.slug}/team/entries/new/")
    page.fill("#id_title", "Sans voix")
    page.fill("#id_synopsis_en", "x" * 25)
    counter = page.locator("[data-counter-for=id_synopsis_en]")
    assert counter.inner_text() == "25 / 20"
    assert "over" in counter.get_attribute("class").split()
    page.set_input_files("#id_subtitle_file", str(subtitles))
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()

    errors = {
        field: (
            page.locator(f"#id_{field}").get_attribute("aria-invalid"),
            page.locator(f"#id_{field}").get_attribute("aria-describedby").split(),
            page.locator(f"#id_{field}_error").inner_text(),
        )
        for field in ("synopsis_en", "subtitle_file")
    }
    assert errors == {
        "synopsis_en": (
            "true",
            ["id_synopsis_en_helptext", "id_synopsis_en_error"],
            "25 characters; the limit is 20: shorten it by 5.",
        ),
        "subtitle_file": (
            "true",
            ["id_subtitle_file_error"],
            "The subtitle file is not valid SRT or WebVTT (line 2: cue ends before start).",
        ),
    }
    assert page.input_value("#id_synopsis_en") == "x" * 25  # nothing typed is lost
    assert page.input_value("#id_title") == "Sans voix"
    page.screenshot(path=str(tmp_path / "entry-inline-errors.png"), full_page=True)
