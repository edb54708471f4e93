"""The final vote (issue 15, point 3): the organiser prepares and opens it from the round's page; three jurors each
reach their ballot from their queue and rank the finalists; the organiser closes it, reads the count, and the award
form proposes its winner. Links and buttons only after the login page, at desktop and phone sizes, in French
(tests/browser/journey.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contest.models import ContestRole
from judging.models import Award, BallotPaper
from tests.factories import ContestRoleFactory, PrizeFactory, UserFactory
from tests.judging.factories import CriterionFactory, RoundFactory, seated_juror, submitted_entry, submitted_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(journey, email):
    page = journey.page
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", "palmares-test-password")
    journey.submit(page.locator("main form button[type=submit]"), step=f"login {email.split('@')[0]}")


def _log_out(journey):
    journey.submit(journey.page.locator("header form button.link"), step="logout")
    journey.follow("Se connecter")


def test_three_jurors_vote_the_organiser_closes_and_the_award_form_proposes_the_winner(journey):
    now = timezone.now()
    round = RoundFactory(name_fr="Finale", opens_at=now - timedelta(days=5), closes_at=now - timedelta(hours=1))
    CriterionFactory(round=round)
    films = [submitted_entry(round.contest, title=title) for title in ("Sans voix", "Le silence", "Après")]
    jurors = [seated_juror(round, email=f"jure{n}@example.org", preferred_language="fr") for n in (1, 2, 3)]
    for juror in jurors:
        for film, score in zip(films, (5, 3, 1), strict=True):  # the ranking: Sans voix, Le silence, Après
            submitted_review(round, juror, film, [score])
    PrizeFactory(contest=round.contest, name_fr="Premier prix", order=1)
    organiser = UserFactory(email="orga@example.org", preferred_language="fr")
    ContestRoleFactory(contest=round.contest, user=organiser, role=ContestRole.Role.ORGANISER)
    page = journey.page

    journey.open("/accounts/login/")
    _log_in(journey, organiser.email)
    journey.follow("Organisation", exact=False, within=page.locator("header"))
    journey.follow("tours et attribution", exact=False)
    journey.follow("Finale")
    journey.follow("Vote final")
    journey.submit(page.get_by_role("button", name="Enregistrer"), step="vote prepared")  # the top five: all three
    assert page.locator("[data-vote-state=draft]").count() == 1
    assert page.locator("input[name='confirm-confirm']").get_attribute("required") is not None
    page.check("input[name='confirm-confirm']")
    journey.submit(page.get_by_role("button", name="Ouvrir le scrutin"), step="ballot open")
    assert page.locator("[data-turnout='0/3']").count() == 1
    _log_out(journey)

    # Each juror puts « Le silence » first: the vote overturns the ranking's order.
    for juror, order in zip(
        jurors, (("Le silence", "Sans voix"), ("Le silence", "Après"), ("Sans voix",)), strict=True
    ):
        _log_in(journey, juror.email)
        journey.follow("Jury", within=page.locator("header"))  # with one round, its queue
        journey.follow("votez", exact=False)
        for rank, title in enumerate(order, start=1):
            page.get_by_label(title, exact=False).select_option(str(rank))
        journey.submit(page.get_by_role("button", name="Déposer mon bulletin"), step="ballot cast")
        assert page.locator("[data-ballot=cast]").count() == 1
        assert page.locator("#count").count() == 0  # no count before the close
        _log_out(journey)
    assert BallotPaper.objects.count() == 3

    _log_in(journey, organiser.email)
    journey.follow("Organisation", exact=False, within=page.locator("header"))
    journey.follow("tours et attribution", exact=False)
    journey.follow("Finale")
    journey.follow("Vote final")
    assert page.locator("[data-turnout='3/3']").count() == 1
    page.check("input[name='confirm-confirm']")
    journey.submit(page.get_by_role("button", name="Clore le scrutin"), step="ballot closed")
    winner = films[1]
    assert page.locator(".vote-proposals li").all_inner_texts() == [f"Premier prix → {winner.code} · Le silence"]
    assert page.locator("#pairwise tbody tr").count() == 3
    journey.follow("Enregistrer les prix")
    assert page.locator("#suggestions td.voted").all_inner_texts() == [f"{winner.code} · Le silence"]
    assert page.locator("input[name=code]").input_value() == winner.code
    journey.submit(page.get_by_role("button", name="Enregistrer"), step="award recorded")
    assert Award.objects.get().entry == winner
