"""The jury's feedback reaches a team (issue 15, point 5): the organiser reaches the feedback page from their menu,
holds one comment back with a reason and plans the publication after confirming; the team reads nothing of it
before that second, then reads the other comment signed « Juré·e A » from its dashboard's notice. Links and buttons
only after the login page, at desktop and phone sizes, in French (tests/browser/journey.py)."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from contest.models import ContestRole
from judging.models import FeedbackPublication, Review
from tests.factories import ContestRoleFactory, TeamMemberFactory, UserFactory
from tests.judging.factories import CriterionFactory, RoundFactory, seated_juror, submitted_entry, submitted_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KIND_WORDS = "Un cadrage très juste, une fin qui reste."
HURTFUL_WORDS = "L'actrice principale joue faux."


def _log_in(journey, email):
    page = journey.page
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", "palmares-test-password")
    journey.submit(page.locator("main form button[type=submit]"), step=f"login {email.split('@')[0]}")


def test_an_organiser_moderates_and_publishes_and_the_team_reads_its_feedback_from_that_second(journey):
    now = timezone.now()
    round = RoundFactory(name_fr="Finale", opens_at=now - timedelta(days=5), closes_at=now - timedelta(hours=1))
    CriterionFactory(round=round)
    entry = submitted_entry(round.contest, title="Sans voix")
    captain = UserFactory(email="camille@example.org", preferred_language="fr")
    TeamMemberFactory(team=entry.team, user=captain, role="captain")
    organiser = UserFactory(email="orga@example.org", preferred_language="fr")
    ContestRoleFactory(contest=round.contest, user=organiser, role=ContestRole.Role.ORGANISER)
    kind = submitted_review(round, seated_juror(round), entry, [4])
    hurtful = submitted_review(round, seated_juror(round), entry, [2])
    Review.objects.filter(assignment=kind).update(team_feedback=KIND_WORDS)
    Review.objects.filter(assignment=hurtful).update(team_feedback=HURTFUL_WORDS)
    hurtful_review = Review.objects.get(assignment=hurtful)
    page = journey.page

    journey.open("/accounts/login/")
    _log_in(journey, organiser.email)  # the organiser's dashboard
    journey.follow("Retours aux équipes")
    held = page.locator(f"#review-{hurtful_review.pk}")
    held.locator("input[name=reason]").fill("Blesse une actrice nommée")
    journey.submit(held.get_by_role("button", name="Retenir"), step="comment held back")
    assert page.locator(f"#review-{hurtful_review.pk}").get_attribute("data-moderation") == "held"
    when = timezone.localtime(now + timedelta(days=1), round.contest.tzinfo).strftime("%Y-%m-%dT%H:%M")
    # Nothing irreversible without a confirmation: the browser does not send the form before the box is ticked.
    assert page.locator("input[name='publication-confirm']").get_attribute("required") is not None
    page.fill("input[name='publication-publish_at']", when)
    page.check("input[name='publication-confirm']")
    journey.submit(page.get_by_role("button", name="Programmer la publication"), step="publication planned")
    assert page.locator("[data-publication=scheduled]").count() == 1

    # The planned time is tomorrow: the test brings it three seconds ahead instead of waiting a day.
    publish_at = timezone.now() + timedelta(seconds=3)
    FeedbackPublication.objects.filter(contest=round.contest).update(publish_at=publish_at)
    journey.submit(page.locator("header form button.link"), step="logout")
    journey.follow("Se connecter")
    _log_in(journey, captain.email)  # the team's dashboard
    journey.follow("Sans voix")
    while timezone.now() < publish_at - timedelta(milliseconds=300):
        assert page.locator("#feedback blockquote").count() == 0, "a comment before the publication"
        assert KIND_WORDS not in page.content()
        time.sleep(0.2)  # poll interval: the page is read again until the publication's second
        page.reload()
    time.sleep(max(0.0, (publish_at - timezone.now()).total_seconds()) + 0.05)  # until the second itself
    journey.submit(page.locator("main a").filter(has_text="Mon équipe").first, step="team dashboard")
    journey.follow("Les lire")
    section = page.locator("#feedback")
    assert section.locator("blockquote").all_inner_texts() == [KIND_WORDS]
    assert "Juré·e A · Finale" in section.inner_text()
    assert HURTFUL_WORDS not in page.content()
