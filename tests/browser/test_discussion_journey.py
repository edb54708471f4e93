"""The jury's discussion (issue 15, point 1): a juror submits their review, then reads the other juror's review
(scores and comment to the jury) and writes in the film's discussion; the other juror reads it on their page.
Links and buttons only after the login page, at desktop and phone sizes, in French (tests/browser/journey.py)."""

import pytest

from judging.models import Review
from tests.judging.factories import (
    CriterionFactory,
    RoundFactory,
    assign,
    seated_juror,
    submitted_entry,
    submitted_review,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OTHER_COMMENT = "La fin est plus faible que le reste."


def _log_in(journey, email):
    page = journey.page
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", "palmares-test-password")
    journey.submit(page.locator("main form button[type=submit]"), step=f"login {email.split('@')[0]}")


def test_a_juror_submits_then_reads_the_other_review_and_discusses_with_the_other_juror(journey):
    round = RoundFactory(name_fr="Finale", show_scores_after_own=True)
    CriterionFactory(round=round, name_fr="Message")
    film = submitted_entry(round.contest, title="Sans voix", runtime_s=8)
    juror = seated_juror(round, email="camille@example.org", preferred_language="fr")
    other = seated_juror(round, email="sasha@example.org", preferred_language="fr")
    assign(round, juror, film)
    Review.objects.filter(assignment=submitted_review(round, other, film, [2])).update(private_comment=OTHER_COMMENT)
    # The juror has watched the film already (the player's part is tested in test_judging_browser.py).
    Review.objects.create(assignment=juror_assignment(round, juror), watched_seconds=8, duration_seconds=8)
    page = journey.page

    journey.open("/accounts/login/")
    _log_in(journey, juror.email)
    journey.follow("Jury", within=page.locator("header"))
    journey.follow("Sans voix")
    assert page.locator("#discussion").count() == 0 and OTHER_COMMENT not in page.content()  # not before submitting
    page.fill("input[type=number]", "4")
    # No player on this page (the film is not here), so the page asks "submit anyway?": the juror says yes.
    page.once("dialog", lambda dialog: dialog.accept())
    journey.submit(page.locator("#submit-review"), step="review submitted")
    journey.follow("Sans voix")
    assert OTHER_COMMENT in page.locator("#peers").inner_text()
    page.fill("#discussion-message", "D'accord pour la fin, mais le son m'a gêné.")
    journey.submit(page.get_by_role("button", name="Envoyer aux autres juré·es"), step="message sent")
    assert page.locator("#discussion li.mine").count() == 1

    journey.submit(page.locator("header form button.link"), step="logout")
    journey.follow("Se connecter")
    _log_in(journey, other.email)
    journey.follow("Jury", within=page.locator("header"))
    journey.follow("Sans voix")
    message = page.locator("#discussion li").first
    assert "Juré·e 1" in message.inner_text() and "le son m'a gêné" in message.inner_text()
    assert juror.email not in page.content()


def juror_assignment(round, juror):
    return round.assignments.get(juror=juror)
