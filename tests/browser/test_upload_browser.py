"""The film upload through the real entry page in Chromium, against the moto S3 server (S3 mode)."""

import hashlib
import os
import time
from urllib.parse import parse_qs, urlparse

import pytest

from contest.models import AuditEvent
from media_pipeline import bucket, storage
from media_pipeline.models import Film, Upload
from tests.factories import EntryFactory, team_with_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIB = 1024 * 1024


def write_random_file(path, size: int) -> bytes:
    data = os.urandom(size)
    path.write_bytes(data)
    return data


def multipart_etag(data: bytes, part_size: int) -> str:
    digests = [hashlib.md5(data[o : o + part_size]).digest() for o in range(0, len(data), part_size)]  # noqa: S324
    return f"{hashlib.md5(b''.join(digests)).hexdigest()}-{len(digests)}"  # noqa: S324


def wait_for(page, condition, timeout=30.0):
    """Poll the database or storage while letting Playwright run its event handlers (routes, requests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        page.wait_for_timeout(100)
    raise AssertionError("condition not met in time")


def test_a_64_mb_film_interrupted_by_a_reload_resumes_and_is_received(live_server, page, login, s3, tmp_path):
    bucket.configure_bucket(origins=[live_server.url])
    team, member = team_with_member()
    entry = EntryFactory(team=team, title="Sans voix")
    film_path = tmp_path / "sans-voix.mp4"
    data = write_random_file(film_path, 64 * MIB)
    part_puts = []

    def record_part_put(request):
        if request.method == "PUT" and "partNumber=" in request.url:
            part_puts.append(int(parse_qs(urlparse(request.url).query)["partNumber"][0]))

    page.on("requestfinished", record_part_put)
    held = []
    sent = []
    interrupted = []

    def send_three_parts_then_hold(route):
        part_number = int(parse_qs(urlparse(route.request.url).query).get("partNumber", ["0"])[0])
        if part_number <= 3 or interrupted:
            sent.append(part_number)
            route.continue_()
        else:
            held.append(route)  # never answered: the upload stalls midway, as on a dropped connection

    login(page, member.email)
    page.goto(f"{live_server.url}/c/{entry.contest.slug}/team/entries/{entry.public_id}/")
    page.route(f"{storage.settings.S3_ENDPOINT_URL}/**", send_three_parts_then_hold)
    page.set_input_files("#film-file", str(film_path))

    upload = wait_for(page, lambda: Upload.objects.filter(entry=entry).first())
    wait_for(page, lambda: len(storage.list_parts(upload=upload)) == 3 and held)
    assert page.locator("#film-upload").get_attribute("data-upload-state") == "uploading"
    assert int(page.locator("#film-upload progress").get_attribute("value")) > 0
    page.reload()  # the held requests die with the page
    interrupted.append(True)
    puts_before_reload = len(part_puts)

    offer = page.locator(".upload-resume")
    assert offer.is_visible()
    assert offer.inner_text().startswith("An upload of “sans-voix.mp4” (64.0\xa0MB) did not finish.")
    page.set_input_files("#film-file", str(film_path))
    assert "Continuing the unfinished upload of “sans-voix.mp4”." in page.locator(".upload-message").inner_text()
    page.wait_for_selector("#film-upload[data-upload-state=done]", timeout=60_000)

    assert page.locator(".film-current").inner_text().startswith("Received, being checked")  # then the server's line
    assert sorted(part_puts[:puts_before_reload]) == [1, 2, 3]
    assert sorted(part_puts[puts_before_reload:]) == [4, 5, 6, 7, 8]  # parts 1 to 3 were kept by storage
    assert Upload.objects.get().public_id == upload.public_id
    film = Film.objects.get(entry=entry)
    assert film.size == 64 * MIB
    assert film.checksum == multipart_etag(data, 8 * MIB)
    assert film.uploaded_by == member
    assert AuditEvent.objects.filter(entry=entry, verb="film_received").count() == 1

    page.reload()
    current = page.locator(".film-current")
    assert current.get_attribute("data-film-state") == "received"
    assert current.inner_text().startswith(
        f"Received, being checked sans-voix.mp4 · 64.0\xa0MB · uploaded by {member.email} on "
    )
    assert not page.locator(".upload-resume").is_visible()


def test_a_file_too_big_or_not_a_video_is_refused_before_any_byte_is_sent(live_server, page, login, tmp_path):
    team, member = team_with_member(contest__max_file_size_bytes=MIB)
    entry = EntryFactory(team=team)
    requests_sent = []
    page.on("request", lambda request: requests_sent.append(request.url) if "/uploads/" in request.url else 0)
    login(page, member.email)
    page.goto(f"{live_server.url}/c/{entry.contest.slug}/team/entries/{entry.public_id}/")

    write_random_file(tmp_path / "long.mp4", 2 * MIB)
    page.set_input_files("#film-file", str(tmp_path / "long.mp4"))
    assert page.locator(".upload-message").inner_text() == (
        "This file is 2.0\xa0MB; the contest accepts files up to 1.0\xa0MB. Export a smaller file."
    )
    write_random_file(tmp_path / "synopsis.pdf", 1000)
    page.set_input_files("#film-file", str(tmp_path / "synopsis.pdf"))
    assert page.locator(".upload-message").inner_text() == (
        "This file is not a video. Choose the exported film (MP4, MOV, MKV…)."
    )
    assert requests_sent == []
    assert not Upload.objects.exists()


def part_number_of(url: str) -> int:
    return int(parse_qs(urlparse(url).query).get("partNumber", ["0"])[0])


def test_a_failed_part_is_sent_again_and_pause_holds_the_upload_until_resume(live_server, page, login, s3, tmp_path):
    bucket.configure_bucket(origins=[live_server.url])
    team, member = team_with_member()
    entry = EntryFactory(team=team)
    film_path = tmp_path / "film.mp4"
    data = write_random_file(film_path, 24 * MIB)
    attempts = []
    held = []
    state = {"fail_part_2": True, "hold": False}

    def flaky_network(route):
        number = part_number_of(route.request.url)
        if route.request.method == "PUT" and number:
            attempts.append(number)
            if number == 2 and state["fail_part_2"]:
                state["fail_part_2"] = False
                route.abort("connectionreset")  # the Wi-Fi drops during part 2
                return
            if state["hold"]:
                held.append(route)
                return
        route.continue_()

    login(page, member.email)
    page.goto(f"{live_server.url}/c/{entry.contest.slug}/team/entries/{entry.public_id}/")
    page.route(f"{storage.settings.S3_ENDPOINT_URL}/**", flaky_network)
    state["hold"] = True  # the parts wait, so that the pause lands midway
    page.set_input_files("#film-file", str(film_path))
    # Part 2 fails, is sent again by itself, and waits with the two others.
    wait_for(page, lambda: sorted(part_number_of(route.request.url) for route in held) == [1, 2, 3])
    assert sorted(attempts) == [1, 2, 2, 3]
    page.click(".upload-pause")
    assert page.locator("#film-upload").get_attribute("data-upload-state") == "paused"
    assert page.locator(".upload-message").inner_text() == "Paused. Press Resume to continue where it stopped."
    assert page.locator(".upload-pause").inner_text() == "Resume"
    for route in held:
        route.abort("aborted")  # what a paused upload's cut request looks like
    held.clear()
    state["hold"] = False
    before = len(attempts)
    page.wait_for_timeout(1500)  # an absence has no event to wait for: longer than Uppy's first retry delays (0, 1 s)
    assert len(attempts) == before  # nothing is sent while paused

    page.click(".upload-pause")
    page.wait_for_selector("#film-upload[data-upload-state=done]", timeout=60_000)

    assert sorted(attempts[before:]) == [1, 2, 3]  # after resume, the three parts cut by the pause
    film = Film.objects.get(entry=entry)
    assert (film.size, film.checksum) == (24 * MIB, multipart_etag(data, 8 * MIB))


def test_cancel_aborts_the_upload_in_storage_and_on_the_server(live_server, page, login, s3, tmp_path):
    bucket.configure_bucket(origins=[live_server.url])
    team, member = team_with_member()
    entry = EntryFactory(team=team)
    film_path = tmp_path / "film.mp4"
    write_random_file(film_path, 24 * MIB)
    held = []

    def hold_parts_after_the_first(route):
        if route.request.method == "PUT" and part_number_of(route.request.url) > 1:
            held.append(route)
        else:
            route.continue_()

    login(page, member.email)
    page.goto(f"{live_server.url}/c/{entry.contest.slug}/team/entries/{entry.public_id}/")
    page.route(f"{storage.settings.S3_ENDPOINT_URL}/**", hold_parts_after_the_first)
    page.set_input_files("#film-file", str(film_path))
    upload = wait_for(page, lambda: Upload.objects.filter(entry=entry).first())
    wait_for(page, lambda: held and len(storage.list_parts(upload=upload)) == 1)

    page.click(".upload-cancel")
    wait_for(page, lambda: Upload.objects.get(pk=upload.pk).state == Upload.State.ABORTED)

    assert page.locator("#film-upload").get_attribute("data-upload-state") == "idle"
    assert page.locator(".upload-message").inner_text() == "Upload cancelled."
    assert list(storage.incomplete_uploads()) == []
    assert AuditEvent.objects.get(entry=entry, verb="upload_aborted").actor == member
    assert not Film.objects.filter(entry=entry).exists()
    page.reload()
    assert not page.locator(".upload-resume").is_visible()
