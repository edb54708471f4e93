"""Consent of each person on screen, walked in Chromium in French at desktop and phone sizes: the team lists two
people and marks its film's credits (cut from the jury's player), each person answers from the link mailed to them,
the entry is submitted; one withdraws the public use, the public
film page answers 404 at the next request, and the team's page says which use was lost and why."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from contest.models import ContestRole, Entry
from judging.models import Award
from media_pipeline.models import Film
from releases import services as release_services
from tests.browser.journey import VIEWPORTS, Journey
from tests.factories import ContestRoleFactory, PrizeFactory, TeamMemberFactory, UserFactory, ready_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://[^\s]+(/c/[^\s]+/consent/[A-Za-z0-9_-]+/)")


def _log_in(journey, email):
    page = journey.page
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", "palmares-test-password")
    journey.submit(page.locator("main form button[type=submit]"), step=f"login {email.split('@')[0]}")


def _list_person(journey, name, email):
    page = journey.page
    details = page.locator("#people-on-screen details")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    form = details.locator("form")
    form.get_by_label("Nom").fill(name)
    form.get_by_label("Son adresse e-mail").fill(email)
    journey.submit(form.get_by_role("button", name="Ajouter et envoyer son lien"), step=f"listed {name}")
    assert f"{name} est dans la liste" in page.locator(".messages").inner_text()


def _mark_credits(journey):
    page = journey.page
    details = page.locator("#mark-credits")
    details.locator("summary").click()
    details.get_by_label("Le générique de début se termine à").fill("0:06")
    details.get_by_label("Le générique de fin commence à").fill("3:40")
    journey.submit(details.get_by_role("button", name="Enregistrer les génériques"), step="credits marked")
    assert "Les génériques sont marqués" in page.locator(".messages").inner_text()
    assert page.locator("#credits-state").inner_text() == (
        "Le lecteur du jury commence après le générique de début, qui se termine à 0:06. "
        "Il s’arrête là où commence le générique de fin, à 3:40."
    )


def _link_of(email) -> str:
    [message] = [message for message in mail.outbox if message.to == [email]]
    return LINK.search(message.body).group(1)


def _person(browser, journey, name) -> Journey:
    """The person's own browser (no account), checked at every step like the team's."""
    context = browser.new_context(locale="fr-FR", viewport=VIEWPORTS[journey.viewport])
    page = context.new_page()
    page.set_default_timeout(15_000)
    shots = journey.shots.parent / f"{journey.shots.name}-{name}"
    shots.mkdir()
    walk = Journey(
        page=page, base_url=journey.base_url, viewport=journey.viewport, shots=shots, english=journey.english
    )
    page.on("pageerror", lambda error: walk.errors.append(f"uncaught: {error}"))
    return walk


def _answer(person: Journey, **uses):
    page = person.page
    for use in ("jury", "community", "link", "public"):
        page.locator(f"input[name={use}_given][value={uses.get(use, 'yes')}]").check()
    person.submit(page.get_by_role("button", name="Enregistrer ma réponse"), step="answer saved")
    assert "Votre réponse est enregistrée." in page.locator(".messages").inner_text()


def _make_the_film_public(entry, organiser, captain):
    """What the organisers and the team do on pages other journeys walk: the film ready, awarded, and shown to the
    public from a minute ago, with the team's approval."""
    key = default_storage.save(f"films/{entry.public_id}.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42" + bytes(64)))
    Film.objects.create(
        entry=entry, key=key, original_name="x.mp4", content_type="video/mp4", size=72, checksum="x", state="ready"
    )
    Award.objects.create(contest=entry.contest, prize=PrizeFactory(contest=entry.contest), entry=entry)
    release = release_services.ensure_release(entry=entry, by=organiser)
    step = release_services.add_step(
        release=release,
        target="film",
        at=timezone.now() - timedelta(minutes=1),
        audiences={"team", "jury", "community", "link", "public"},
        by=organiser,
    )
    release_services.approve_film_steps(release=release, step_ids=[step.pk], by=captain)


def test_two_people_consent_from_their_links_then_one_withdraws_the_public_use(journey, browser):
    entry = ready_entry(title="Sans voix")
    captain = UserFactory(email="camille@example.org", preferred_language="fr")
    TeamMemberFactory(team=entry.team, user=captain, role="captain")
    organiser = UserFactory(email="orga@example.org", preferred_language="fr")
    ContestRoleFactory(contest=entry.contest, user=organiser, role=ContestRole.Role.ORGANISER)
    page = journey.page

    journey.open("/accounts/login/")
    _log_in(journey, captain.email)
    journey.follow("Sans voix")
    _list_person(journey, "Léa", "lea@example.org")
    _list_person(journey, "Yanis", "yanis@example.org")
    _mark_credits(journey)
    journey.submit(page.get_by_role("button", name="Déposer"), step="submit refused")
    assert "En attente de l’accord de Léa, Yanis" in page.locator(".messages").inner_text()

    lea, yanis = _person(browser, journey, "lea"), _person(browser, journey, "yanis")
    lea.open(_link_of("lea@example.org"))
    assert "Sans voix" in lea.page.locator("h1").inner_text()
    _answer(lea)
    yanis.open(_link_of("yanis@example.org"))
    _answer(yanis)

    journey.submit(page.get_by_role("button", name="Déposer"), step="submitted")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.SUBMITTED

    _make_the_film_public(entry, organiser, captain)
    visitor = browser.new_context(locale="fr-FR").new_page()
    film_url = journey.base_url + reverse(
        "releases:film", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id}
    )
    assert visitor.goto(film_url).status == 200

    _answer(yanis, public="no")
    assert visitor.goto(film_url).status == 404

    page.reload()
    journey.check("the team's page after the withdrawal")
    people = page.locator("#people-on-screen").inner_text()
    assert "✗ Tout le monde (public) — non accepté par Yanis" in people
    assert "✓ Le jury, pour juger le film" in people
    for walk in (lea, yanis):
        walk.page.context.close()
    visitor.context.close()
