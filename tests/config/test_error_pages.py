"""What a visitor reads when a page is missing, hidden or broken: the site's own page, in their language, with a way
back; never Django's bare "Not Found" nor anything that tells a hidden thing exists."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ContestFactory, EntryFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _french() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="fr", raise_request_exception=False)


def _body(response) -> str:
    return response.content.decode()


def test_an_unknown_contest_answers_the_styled_404_in_french():
    response = _french().get("/c/no-such-contest/")
    body = _body(response)
    assert response.status_code == 404
    assert '<header class="site-header">' in body
    assert '<html lang="fr">' in body
    assert '<h1 id="error-title">Page introuvable</h1>' in body
    assert '<a class="button" href="/">Retour à l’accueil</a>' in body
    assert "Not Found" not in body


def test_a_hidden_entry_answers_the_same_404_with_a_way_back_to_its_contest():
    contest = ContestFactory(title_fr="Concours visible")
    entry = EntryFactory(team=TeamFactory(contest=contest), title="Film caché")
    hidden_url = reverse("releases:announcement", kwargs={"contest_slug": contest.slug, "public_id": entry.public_id})
    missing_url = reverse("releases:announcement", kwargs={"contest_slug": contest.slug, "public_id": uuid.uuid4()})
    hidden, missing = _french().get(hidden_url), _french().get(missing_url)
    assert hidden.status_code == missing.status_code == 404
    # Nothing tells the hidden entry from one that does not exist (but the address, which the page repeats).
    assert _body(hidden).replace(hidden_url, "") == _body(missing).replace(missing_url, "")
    body = _body(hidden)
    assert "Page introuvable" in body and "Film caché" not in body
    assert f'<a class="button" href="/c/{contest.slug}/">Retour à «\u00a0Concours visible\u00a0»</a>' in body
    assert '<a class="button secondary" href="/">Retour à l’accueil</a>' in body


def test_a_page_under_an_unknown_contest_offers_only_the_home_page():
    body = _body(_french().get("/c/no-such-contest/no-such-page/"))
    assert "Retour à «" not in body and "Retour à l’accueil" in body


def test_the_404_follows_the_visitors_language():
    body = _body(Client(HTTP_ACCEPT_LANGUAGE="en").get("/c/no-such-contest/"))
    assert '<html lang="en">' in body and "Page not found" in body and "Back to the home page" in body


@pytest.mark.urls("tests.config.broken_urls")
def test_a_broken_view_answers_the_styled_500_in_french(settings):
    settings.DEBUG = False
    response = _french().get("/broken/")
    body = _body(response)
    assert response.status_code == 500
    assert '<header class="site-header">' in body and '<html lang="fr">' in body
    assert '<h1 id="error-title">Une erreur s’est produite de notre côté</h1>' in body
    assert '<a class="button" href="/">Retour à l’accueil</a>' in body
    assert "Server Error (500)" not in body
