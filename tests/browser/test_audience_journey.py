"""The audience vote (issue 16, point 1): a pupil finds the vote on the contest's page, verifies a school address by
the link mailed to it, watches a film, votes, changes the vote; the organiser closes the vote, reads the count and the
anomaly report, and awards the « Prix du public » from the count. Links and buttons only (the mail's link is opened
as from a mail), at desktop and phone sizes, in French (tests/browser/journey.py)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from audience.models import AudienceBallot, AudienceVote
from contest.models import ContestRole, Entry
from judging.models import Award
from media_pipeline.models import Film
from media_pipeline.samples import make_film
from tests.audience.world import publish_film
from tests.factories import (
    ContestFactory,
    ContestRoleFactory,
    EntryFactory,
    InstitutionFactory,
    PrizeFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _film(entry, tmp_path):
    path = make_film(
        tmp_path / f"{entry.pk}.webm", duration_s=2, width=320, height=180, fps=12, video_codec="libvpx-vp9"
    )
    key = default_storage.save(f"films/{entry.public_id}.webm", ContentFile(path.read_bytes()))
    Film.objects.create(
        entry=entry,
        key=key,
        original_name="film.webm",
        content_type="video/webm",
        size=1,
        checksum="x",
        state=Film.State.READY,
    )


def test_a_pupil_verifies_watches_votes_and_changes_and_the_organiser_awards_the_audience_prize(journey, tmp_path):
    now = timezone.now()
    institution = InstitutionFactory(name="Lycée Olympe de Gouges", email_domains="lycee-gouges.fr")
    contest = ContestFactory(title_fr="Courts contre les violences")
    contest.institutions.add(institution)
    prize = PrizeFactory(contest=contest, name_fr="Prix du public")
    organiser = UserFactory(email="orga@example.org", preferred_language="fr")
    ContestRoleFactory(contest=contest, user=organiser, role=ContestRole.Role.ORGANISER)
    for title in ("Le silence", "Sans voix"):
        entry = EntryFactory(
            team=TeamFactory(contest=contest, institution=institution),
            title=title,
            status=Entry.Status.SUBMITTED,
            film_accepted=True,
        )
        _film(entry, tmp_path)
        publish_film(entry, at=now - timedelta(days=1))
    AudienceVote.objects.create(
        contest=contest,
        prize=prize,
        electorate=AudienceVote.Electorate.DOMAINS,
        domains="lycee-gouges.fr",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=2),
    )
    page = journey.page

    journey.open(f"/c/{contest.slug}/")
    journey.follow("Votez : Prix du public", exact=False)
    page.fill("input[name=address]", "lou@eleves.lycee-gouges.fr")
    journey.submit(page.get_by_role("button", name="Envoyez-moi le lien"), step="lien demandé")
    assert page.locator("#link-sent").is_visible()
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    page.goto(journey.base_url + link)  # opened from the mail
    page.wait_for_load_state("networkidle")
    journey.check("lien du courriel")
    journey.submit(page.get_by_role("button", name="Vérifier mon adresse"), step="adresse vérifiée")
    assert page.locator("#ballot").is_visible()

    page.locator(".choice", has_text="Le silence").get_by_role("link", name="Regarder le film").click()
    page.wait_for_load_state("networkidle")
    journey.check("film")
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('video').ended", timeout=30_000)
    page.go_back()
    page.wait_for_load_state("networkidle")
    journey.check("retour au vote")

    page.get_by_label("Le silence").check()
    journey.submit(page.get_by_role("button", name="Voter"), step="vote")
    assert page.locator("#current-vote").inner_text().startswith("Votre vote\xa0: «\xa0Le silence\xa0»")
    page.get_by_label("Sans voix").check()
    journey.submit(page.get_by_role("button", name="Changer mon vote"), step="vote changé")
    assert page.locator("#current-vote").inner_text().startswith("Votre vote\xa0: «\xa0Sans voix\xa0»")
    assert list(AudienceBallot.objects.values_list("entry__title", "changes")) == [("Sans voix", 1)]

    journey.follow("Se connecter", within=page.locator("header"))
    page.fill("input[name=username]", organiser.email)
    page.fill("input[name=password]", "palmares-test-password")
    journey.submit(page.locator("main form button[type=submit]"), step="login orga")
    journey.follow("Organisation", exact=False, within=page.locator("header"))
    journey.follow("Votes du public")
    journey.follow("La participation")
    assert page.locator("#turnout").get_attribute("data-ballots") == "1"
    page.get_by_label("Je comprends que le vote se clôt", exact=False).check()
    journey.submit(page.get_by_role("button", name="Clore le vote"), step="vote clos")
    winner = Entry.objects.get(title="Sans voix")
    assert page.locator(f"#tally tr[data-entry='{winner.code}'] td.votes").inner_text() == "1"
    assert page.locator("#anomalies .anomaly[data-kind=no_evidence]").count() == 1  # the films play without screener
    journey.follow("L’enregistrer sur la page des prix")
    assert page.locator("select[name=prize]").input_value() == str(prize.pk)
    assert page.locator("input[name=code]").input_value() == winner.code
    journey.submit(page.get_by_role("button", name="Enregistrer"), step="prix attribué")
    assert list(Award.objects.values_list("prize__name_fr", "entry__title")) == [("Prix du public", "Sans voix")]
