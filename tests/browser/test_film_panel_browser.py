"""The team's film panel after an upload, in Chromium: it never says two things at once about the film (a
"received" message beside a refusal, the previous file's verdict under the new file's name, Pause and Cancel once
the upload is over), and it says sizes as the server does, in the page's language."""

import hashlib
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import translation

from media_pipeline.demo import process_now
from media_pipeline.models import Film, new_upload_key
from media_pipeline.samples import make_film
from tests.factories import EntryFactory, TeamMemberFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_until(page, condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not condition():  # wait_for_function needs eval, which the CSP forbids
        assert time.monotonic() < deadline, "condition not met in time"
        page.wait_for_timeout(100)


def test_after_a_refusal_the_panel_speaks_only_of_the_new_file(live_server, page, login, tmp_path):
    entry = EntryFactory(title="Sans voix", team__contest__min_resolution_px=180)
    member = TeamMemberFactory(team=entry.team, user=UserFactory(email="team@example.org")).user
    first = make_film(tmp_path / "petit.mp4", duration_s=2, width=160, height=90, fps=12).read_bytes()
    old = Film.objects.create(
        entry=entry,
        key=default_storage.save(new_upload_key(), ContentFile(first)),
        original_name="petit.mp4",
        size=len(first),
        checksum=hashlib.md5(first, usedforsecurity=False).hexdigest(),
        uploaded_by=member,
    )
    assert process_now(old.pk) == Film.State.REJECTED
    old_codes = {problem["code"] for problem in Film.objects.get(pk=old.pk).problems}

    login(page, member.email)
    page.goto(f"{live_server.url}/c/{entry.contest.slug}/team/entries/{entry.public_id}/")
    codes = page.locator("#film-status [data-code]")
    assert {codes.nth(i).get_attribute("data-code") for i in range(codes.count())} == old_codes

    make_film(tmp_path / "court.mp4", duration_s=0.4, width=320, height=180, fps=12)
    page.set_input_files("#film-file", str(tmp_path / "court.mp4"))
    page.wait_for_selector("#film-upload[data-upload-state=done]", state="attached", timeout=30_000)
    # At once, before any answer from the status poll: nothing left of the previous file's verdict.
    assert page.locator("#film-status [data-code]").count() == 0
    assert page.locator("#film-status").inner_text().strip() == (
        "We are checking the file: duration, picture, sound and whether it is complete. "
        "This takes a few seconds to a minute."
    )
    assert page.locator(".film-current").inner_text().startswith("Received, being checked court.mp4 · ")
    assert not page.locator(".upload-pause").is_visible()
    assert not page.locator(".upload-cancel").is_visible()
    assert not page.locator(".upload-message").is_visible()
    assert not page.locator(".upload-progress").is_visible()

    new = Film.objects.exclude(pk=old.pk).get(entry=entry)
    assert process_now(new.pk) == Film.State.REJECTED
    new_codes = {problem["code"] for problem in Film.objects.get(pk=new.pk).problems}
    assert new_codes and new_codes != old_codes
    page.wait_for_selector(".film-current .status-rejected", timeout=20_000)
    wait_until(page, lambda: page.locator("#film-status [data-code]").count() > 0)
    codes = page.locator("#film-status [data-code]")
    assert {codes.nth(i).get_attribute("data-code") for i in range(codes.count())} == new_codes
    assert page.locator(".film-current .film-name").inner_text() == "court.mp4"
    assert page.locator(".film-current .status").inner_text() == "Rejected"
    assert "Received, being checked" not in page.locator("#film").inner_text()
    assert not page.locator(".upload-pause").is_visible()
    assert not page.locator(".upload-cancel").is_visible()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_browser_says_a_size_as_the_server_does(live_server, browser, login, settings, tmp_path, language):
    """1,280 bytes are 1.25 KiB and 2,304 bytes 2.25 KiB: Django rounds half to even ("1,2 Kio", "2,2 Kio")."""
    settings.LANGUAGE_CODE = language
    entry = EntryFactory(team__contest__max_file_size_bytes=1280)
    member = TeamMemberFactory(team=entry.team, user=UserFactory(preferred_language=language)).user
    context = browser.new_context(locale="fr-FR" if language == "fr" else "en-GB")
    page = context.new_page()
    login(page, member.email)
    page.goto(f"{live_server.url}/c/{entry.contest.slug}/team/entries/{entry.public_id}/")
    (tmp_path / "film.mp4").write_bytes(os.urandom(2304))
    page.set_input_files("#film-file", str(tmp_path / "film.mp4"))
    shown = page.locator(".upload-message").inner_text()
    helptext = page.locator("#film-file-help").inner_text()
    context.close()
    with translation.override(language):
        size, limit = filesizeformat(2304), filesizeformat(1280)
    assert (size, limit) == {"fr": ("2,2\xa0Kio", "1,2\xa0Kio"), "en": ("2.2\xa0KB", "1.2\xa0KB")}[language]
    assert limit in helptext  # the server's words
    with translation.override(language):
        from media_pipeline.templatetags.film_panel import _strings

        expected = _strings()["tooBig"] % {"size": size, "limit": limit}
    assert shown == expected
