"""The results page on a phone (390×844): the charts scale to the width, their texts stay legible (no smaller than
10 px on screen), inside the screen and never on top of one another, and the page is no wider than the screen."""

from decimal import Decimal

import pytest
from django.urls import reverse

from contest.models import ContestRole
from tests.factories import ContestRoleFactory
from tests.judging.factories import CriterionFactory, RoundFactory, seated_juror, submitted_entry, submitted_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT_BOXES = """() => [...document.querySelectorAll("svg.chart text")].map((t) => {
  const b = t.getBoundingClientRect();
  return {text: t.textContent, chart: [...document.querySelectorAll("svg.chart")].indexOf(t.closest("svg")),
          left: b.left, right: b.right, top: b.top, bottom: b.bottom, height: b.height};
})"""


def test_results_charts_are_legible_on_a_phone(browser, live_server, login):
    round = RoundFactory(jurors_per_entry=2)
    CriterionFactory(round=round, order=1)
    CriterionFactory(round=round, order=2, scale_min=Decimal(0), scale_max=Decimal(20), step=Decimal("0.5"))
    jurors = [seated_juror(round, full_name=f"Marie-Christine de La Fontaine-Duval {n}") for n in range(6)]
    for index in range(8):
        entry = submitted_entry(round.contest)
        for offset in range(2):
            submitted_review(
                round, jurors[(index + offset) % 6], entry, [1 + (index + offset) % 5, (index * 3 + offset) % 21]
            )
    organiser = ContestRoleFactory(contest=round.contest, role=ContestRole.Role.ORGANISER).user
    context = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    try:
        login(page, organiser.email)
        page.goto(
            live_server.url
            + reverse("judging_results", kwargs={"contest_slug": round.contest.slug, "round_id": round.pk})
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        boxes = page.evaluate(TEXT_BOXES)
        assert len(boxes) > 20
        small = [box["text"] for box in boxes if box["height"] < 10]
        assert small == []
        outside = [box["text"] for box in boxes if box["left"] < 0 or box["right"] > 390]
        assert outside == []
        overlapping = [
            (a["text"], b["text"])
            for i, a in enumerate(boxes)
            for b in boxes[i + 1 :]
            if a["chart"] == b["chart"]
            and a["left"] < b["right"] - 0.5
            and b["left"] < a["right"] - 0.5
            and a["top"] < b["bottom"] - 0.5
            and b["top"] < a["bottom"] - 0.5
        ]
        assert overlapping == []
    finally:
        context.close()
