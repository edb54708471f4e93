"""Keyboard-only use of the juror's score form and of the team's upload page (WCAG 2.1.1): every control is reached
with Tab and worked with the keys a person without a mouse has."""

from decimal import Decimal

import pytest

from judging.models import Score
from tests.browser.drafts import wait_for_draft_saved
from tests.factories import EntryFactory, team_with_member
from tests.judging.factories import CriterionFactory, RoundFactory, assign, seated_juror, submitted_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, element_id: str, limit: int = 80) -> int:
    """Press Tab until the element with `element_id` has the focus; returns how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return presses
    raise AssertionError(f"#{element_id} is not reachable with Tab")


def test_a_juror_scores_with_the_keyboard_alone_and_the_draft_is_saved(live_server, page, login):
    round_ = RoundFactory()
    first = CriterionFactory(
        round=round_, name_en="Story", guidance_en="Is the story clear?", scale_min=1, scale_max=5, step=1
    )
    second = CriterionFactory(round=round_, name_en="Image", scale_min=1, scale_max=5, step=1)
    entry = submitted_entry(round_.contest)
    juror = seated_juror(round_)
    assign(round_, juror, entry)
    login(page, juror.email)
    page.goto(f"{live_server.url}/c/{round_.contest.slug}/jury/rounds/{round_.pk}/entries/{entry.code}/")
    tab_to(page, f"score_{first.pk}")
    description = page.evaluate(
        "() => document.getElementById(document.activeElement.getAttribute('aria-describedby')).textContent"
    )
    assert description == "Is the story clear?"  # the guidance is read with the field
    page.keyboard.type("4")
    tab_to(page, f"score_{second.pk}", limit=5)
    page.keyboard.press("ArrowUp")  # an empty number field steps to its minimum, then up
    page.keyboard.press("ArrowUp")
    tab_to(page, "private_comment", limit=5)
    page.keyboard.type("Belle lumière.")
    wait_for_draft_saved(page, "Draft saved at ")
    values = dict(Score.objects.filter(assignment__juror=juror).values_list("criterion_id", "value"))
    assert values == {first.pk: Decimal("4.00"), second.pk: Decimal("2.00")}
    assert tab_to(page, "submit-review", limit=10) <= 3
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focused button shows where the keyboard is


def test_a_team_chooses_and_uploads_its_film_with_the_keyboard_alone(live_server, page, login, tmp_path):
    team, member = team_with_member()
    entry = EntryFactory(team=team)
    film = tmp_path / "film.mp4"
    film.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(200_000))
    login(page, member.email)
    page.goto(f"{live_server.url}/c/{team.contest.slug}/team/entries/{entry.public_id}/")
    page.wait_for_selector("#film-upload[data-upload-state=idle]")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a film")
    tab_to(page, "film-file")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(notes))
    page.wait_for_selector("#film-file-message:not([hidden])")
    description = page.evaluate(
        """() => document.getElementById("film-file").getAttribute("aria-describedby").split(" ")
              .map(id => document.getElementById(id).textContent.trim()).join(" | ")"""
    )
    message = page.locator("#film-file-message").inner_text()
    assert message and description.endswith(" | " + message)  # the refusal is read with the field
    assert page.evaluate("() => document.activeElement.id") == "film-file"
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(film))
    page.wait_for_selector("#film-upload[data-upload-state=done]", timeout=30_000)
    assert entry.films.get().size == film.stat().st_size
