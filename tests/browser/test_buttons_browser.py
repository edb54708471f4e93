"""Buttons are styled once (static/css/site.css): a secondary button ("Invite a member", "Grant", "Declare a conflict
of interest", "Shortlist for…") has the size of a primary one, not the browser's tiny default box, at desktop and
phone sizes; danger buttons and links styled as buttons match them."""

import pytest

from tests.factories import ContestRoleFactory, TeamMemberFactory, UserFactory, ready_entry
from tests.judging.factories import CriterionFactory, RoundFactory, assign, seated_juror

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_BOX = """(element) => {
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {height: Math.round(box.height), padding: style.paddingLeft, weight: style.fontWeight, radius: style.borderRadius};
}"""


@pytest.mark.parametrize("width", [1366, 390])
def test_every_kind_of_button_has_one_size(live_server, browser, login, tmp_path, width):
    entry = ready_entry(title="Sans voix", status="submitted")
    member = UserFactory()
    TeamMemberFactory(team=entry.team, user=member, role="captain")
    organiser = ContestRoleFactory(contest=entry.contest, role="organiser").user
    round = RoundFactory(contest=entry.contest)
    CriterionFactory(round=round)
    juror = seated_juror(round)
    assign(round, juror, entry)
    slug = entry.contest.slug
    context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 900})
    page = context.new_page()
    pages = [
        (member, f"/c/{slug}/team/", "button", "Invite a member"),
        (organiser, f"/c/{slug}/organiser/", "button", "Grant"),
        (organiser, f"/c/{slug}/organiser/judging/rounds/{round.pk}/results/", "button", None),
        (juror, f"/c/{slug}/jury/rounds/{round.pk}/entries/{entry.code}/", "button", "Declare a conflict of interest"),
        (member, f"/c/{slug}/team/entries/{entry.public_id}/", "link", "Withdraw…"),
    ]
    boxes = {}
    for user, path, role, name in pages:
        page.context.clear_cookies()
        login(page, user.email)
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(tmp_path / f"buttons-{width}-{len(boxes):02d}.png"), full_page=True)
        target = (
            page.locator("form button.secondary").first
            if name is None
            else page.get_by_role(role, name=name, exact=True).first
        )
        boxes[name or "Shortlist"] = target.evaluate(_BOX)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    context.close()
    heights = {box["height"] for box in boxes.values()}
    assert min(heights) >= 40, boxes  # 2.5rem: the browser's default button is about 21 px high
    assert {box["padding"] for box in boxes.values()} == {"16px"}, boxes
    assert {box["weight"] for box in boxes.values()} == {"600"}, boxes
    assert {box["radius"] for box in boxes.values()} == {"6px"}, boxes
