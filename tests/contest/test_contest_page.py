"""The contest's public page: its rules in words, its content warning categories with the support resources beside
them, its prizes; French by default, English through the language switcher."""

import pytest
from django.urls import reverse

from tests.factories import ContentWarningFactory, ContestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest():
    contest = ContestFactory(
        min_duration_s=60,
        max_duration_s=15 * 60,
        min_resolution_px=720,
        audio_required=True,
        max_file_size_bytes=2 * 1024**3,
        max_synopsis_chars=1200,
    )
    ContentWarningFactory(contest=contest, code="self_harm", name_fr="Automutilation", name_en="Self-harm")
    contest.support_resources.create(
        name="3114 — Prévention du suicide", phone="3114", url="https://3114.fr", description_en="24/7.", order=1
    )
    contest.prizes.create(name_fr="Premier prix", name_en="First prize", order=0)
    contest.prizes.create(name_fr="Prix du public", name_en="Audience award", order=1)
    return contest


def test_the_contest_page_states_its_rules_warnings_support_and_prizes(client, contest):
    client.post(reverse("set_language"), {"language": "en"})
    html = client.get(reverse("contest_detail", kwargs={"contest_slug": contest.slug})).content.decode()
    for sentence in [
        "<li>Films last from 1 min to 15 min.</li>",
        "<li>The shorter side of the picture, as displayed, is at least 720 pixels.</li>",
        "<li>Films have a sound track.</li>",
        "<li>Files weigh at most 2.0\xa0GB.</li>",
        "<li>Synopses have at most 1200 characters, in French and/or English.</li>",
        "<li>Self-harm</li>",
        '<li><strong>3114 — Prévention du suicide</strong> · <a href="tel:3114">3114</a> · '
        '<a href="https://3114.fr" rel="noopener">https://3114.fr</a> — 24/7.</li>',
        "<li><strong>First prize</strong></li><li><strong>Audience award</strong></li>",
    ]:
        assert sentence in html


def test_sound_is_not_listed_when_the_contest_does_not_require_it(client, contest):
    contest.audio_required = False
    contest.save()
    html = client.get(reverse("contest_detail", kwargs={"contest_slug": contest.slug})).content.decode()
    assert "sound track" not in html


def test_the_entry_form_shows_the_support_resources_beside_the_warnings(client, contest):
    from tests.factories import team_with_member

    team, member = team_with_member(contest=contest)
    client.force_login(member)
    html = client.get(reverse("entry_create", kwargs={"contest_slug": contest.slug})).content.decode()
    fieldset = html.split("<legend>Content warnings</legend>")[1].split("<legend>Declarations")[0]
    assert '<a href="tel:3114">3114</a>' in fieldset


def test_french_is_the_default_and_the_switcher_changes_the_language(client, contest, settings):
    from config import settings as project_settings

    assert project_settings.LANGUAGE_CODE == "fr"
    settings.LANGUAGE_CODE = project_settings.LANGUAGE_CODE  # the test settings speak English (tests/conftest.py)
    url = reverse("contest_detail", kwargs={"contest_slug": contest.slug})
    html = client.get(url).content.decode()  # no Accept-Language, no choice yet
    assert '<html lang="fr">' in html
    assert '<h2 id="prizes-title">Prix</h2>' in html
    assert "<li><strong>Premier prix</strong></li><li><strong>Prix du public</strong></li>" in html
    assert 'name="language" value="en"' in html  # the switcher, on every page

    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert (response.status_code, response["Location"]) == (302, url)
    html = client.get(url).content.decode()
    assert '<html lang="en">' in html
    assert '<h2 id="prizes-title">Prizes</h2>' in html and "<li><strong>First prize</strong></li>" in html

    client.post(reverse("set_language"), {"language": "fr", "next": url})
    assert '<html lang="fr">' in client.get(url).content.decode()
