"""The jury watches a film only while every person on screen agrees to the jury's viewing: the blind page then
says, without naming anyone, that the film cannot be shown; the screener's address answers 404."""

import pytest

from contest import services as contest_services
from contest.models import ConsentUse

from .jury_http import client_for, entry_url

pytestmark = pytest.mark.django_db

EVERY_USE = {use: (True, None) for use in ConsentUse.values}


def test_a_withdrawn_jury_consent_takes_the_film_from_the_jurors_page_without_naming_anyone(scene, proxy_provider):
    person = contest_services.add_person_on_screen(
        entry=scene.entry, by=scene.organiser, name="Inès Fontaine", email="ines@example.org"
    )
    contest_services.record_consent(person=person, party="person", answers=EVERY_USE)
    juror = client_for(scene.juror)
    assert '<video id="film"' in juror.get(entry_url(scene)).content.decode()

    no_public = {**EVERY_USE, ConsentUse.PUBLIC: (False, None)}
    contest_services.record_consent(person=person, party="person", answers=no_public)
    assert '<video id="film"' in juror.get(entry_url(scene)).content.decode()  # the public use is not the jury's

    contest_services.record_consent(person=person, party="person", answers={**no_public, "jury": (False, None)})
    html = juror.get(entry_url(scene)).content.decode()
    assert "<video" not in html
    assert "The film cannot be shown to the jury at the moment" in html
    for text in ("Inès", "Fontaine", "ines@example.org", "consent"):
        assert text not in html, text
    assert juror.get(entry_url(scene, "jury_screener")).status_code == 404
