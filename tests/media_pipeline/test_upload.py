"""The upload contract over real HTTP, in both storage modes: JSON calls to a live Django server, part PUTs with a
plain HTTP client to the URLs it signs (moto's S3 server in S3 mode, Django itself in local mode)."""

import hashlib
import json
import os
from datetime import timedelta

import pytest
import requests
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.utils import timezone

from contest.models import AuditEvent, ContestRole, Entry
from media_pipeline import services, storage
from media_pipeline.models import Film, Upload
from tests.factories import ContestRoleFactory, EntryFactory, UserFactory, team_with_member

pytestmark = pytest.mark.django_db(transaction=True)

MIB = 1024 * 1024
CSRF = "x" * 32


@pytest.fixture(params=["local", "s3"])
def mode(request):
    if request.param == "s3":
        request.getfixturevalue("s3")
    return request.param


class TeamSession:
    """A team member's browser, reduced to HTTP: a session cookie, a CSRF token, and the upload endpoints."""

    def __init__(self, base_url: str, user, entry: Entry):
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "accounts.backends.EmailBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        self.http = requests.Session()
        self.http.cookies.set("sessionid", session.session_key)
        self.http.cookies.set("csrftoken", CSRF)
        self.http.headers["X-CSRFToken"] = CSRF
        self.base = f"{base_url}/c/{entry.contest.slug}/team/entries/{entry.public_id}/uploads/"

    def create(self, *, size: int, filename="Sans voix - montage final.mp4", content_type="video/mp4"):
        return self.http.post(self.base, json={"filename": filename, "type": content_type, "size": size})

    def sign(self, upload_id: str, part_number: int):
        return self.http.get(f"{self.base}{upload_id}/parts/{part_number}/")

    def sign_batch(self, upload_id: str, part_numbers):
        return self.http.post(f"{self.base}{upload_id}/parts/sign/", json={"partNumbers": part_numbers})

    def parts(self, upload_id: str):
        return self.http.get(f"{self.base}{upload_id}/parts/")

    def complete(self, upload_id: str, parts: list[dict]):
        return self.http.post(f"{self.base}{upload_id}/complete/", json={"parts": parts})

    def abort(self, upload_id: str):
        return self.http.delete(f"{self.base}{upload_id}/")

    def put_part(self, upload_id: str, part_number: int, data: bytes) -> requests.Response:
        url = self.sign(upload_id, part_number).json()["url"]
        return requests.put(url, data=data, timeout=30)  # no cookie: the signed URL alone authorises it

    def upload_parts(self, upload_id: str, data: bytes, part_size: int, numbers=None) -> list[dict]:
        chunks = [data[offset : offset + part_size] for offset in range(0, len(data), part_size)]
        parts = []
        for number, chunk in enumerate(chunks, start=1):
            if numbers is not None and number not in numbers:
                continue
            response = self.put_part(upload_id, number, chunk)
            assert response.status_code == 200, response.text
            parts.append({"PartNumber": number, "ETag": response.headers["ETag"]})
        return parts


def multipart_etag(data: bytes, part_size: int) -> str:
    digests = [hashlib.md5(data[o : o + part_size]).digest() for o in range(0, len(data), part_size)]  # noqa: S324
    return f"{hashlib.md5(b''.join(digests)).hexdigest()}-{len(digests)}"  # noqa: S324


def stored_bytes(key: str) -> bytes | None:
    if storage.stat_object(key) is None:
        return None
    if storage.s3_mode():
        return storage.s3_client().get_object(Bucket=storage.settings.S3_BUCKET, Key=key)["Body"].read()
    return (storage.settings.MEDIA_ROOT / key).read_bytes()


@pytest.fixture
def team(live_server):
    team, user = team_with_member()
    entry = EntryFactory(team=team)
    return TeamSession(live_server.url, user, entry), entry, user


def test_film_uploaded_in_parts_becomes_the_entry_film_with_what_storage_reported(mode, team):
    client, entry, user = team
    data = os.urandom(8 * MIB + 12345)
    created = client.create(size=len(data))
    assert created.status_code == 201
    body = created.json()
    assert body["partSize"] == 8 * MIB
    assert body["partCount"] == 2
    assert body["key"].startswith("uploads/")
    assert "Sans voix" not in body["key"]

    parts = client.upload_parts(body["uploadId"], data, body["partSize"])
    completed = client.complete(body["uploadId"], parts)

    assert completed.status_code == 200, completed.text
    assert completed.json()["film"]["state"] == "received"
    film = Film.objects.get(entry=entry)
    assert film.key == body["key"]
    assert film.size == len(data)
    assert film.checksum == multipart_etag(data, 8 * MIB)
    assert film.uploaded_by == user
    assert film.original_name == "Sans voix - montage final.mp4"
    assert film.state == Film.State.RECEIVED
    assert stored_bytes(film.key) == data
    assert Upload.objects.get(public_id=body["uploadId"]).state == Upload.State.COMPLETED
    event = AuditEvent.objects.get(entry=entry, verb="film_received")
    assert event.actor == user
    assert event.data == {
        "film": film.pk,
        "key": film.key,
        "size": len(data),
        "checksum": film.checksum,
        "replaced": None,
    }


def test_completing_twice_answers_the_same_film(mode, team):
    client, entry, _ = team
    data = os.urandom(100_000)
    body = client.create(size=len(data)).json()
    parts = client.upload_parts(body["uploadId"], data, body["partSize"])
    first = client.complete(body["uploadId"], parts)
    again = client.complete(body["uploadId"], parts)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Film.objects.filter(entry=entry).count() == 1


def test_upload_resumes_from_the_parts_storage_lists(mode, team):
    client, entry, _ = team
    data = os.urandom(16 * MIB + 7)
    body = client.create(size=len(data)).json()
    assert body["partCount"] == 3
    sent = client.upload_parts(body["uploadId"], data, body["partSize"], numbers={1, 3})

    listed = client.parts(body["uploadId"])

    assert listed.status_code == 200
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in listed.json()] == [
        (1, sent[0]["ETag"].strip('"'), 8 * MIB),
        (3, sent[1]["ETag"].strip('"'), 7),
    ]
    rest = client.upload_parts(body["uploadId"], data, body["partSize"], numbers={2})
    parts = sorted([*listed.json(), *rest], key=lambda p: p["PartNumber"])
    completed = client.complete(body["uploadId"], [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in parts])
    assert completed.status_code == 200, completed.text
    assert stored_bytes(Film.objects.get(entry=entry).key) == data


def test_part_url_fails_after_abort(mode, team):
    client, entry, user = team
    data = os.urandom(9 * MIB)
    body = client.create(size=len(data)).json()
    client.upload_parts(body["uploadId"], data, body["partSize"], numbers={1})
    url = client.sign(body["uploadId"], 2).json()["url"]

    aborted = client.abort(body["uploadId"])

    assert aborted.status_code == 204
    late_put = requests.put(url, data=data[8 * MIB :], timeout=30)
    # S3 answers 404 NoSuchUpload; moto 5.2.5 fails with a 500 (KeyError) for the same refusal.
    assert late_put.status_code == (404 if mode == "local" else 500)
    assert client.parts(body["uploadId"]).json()["error"] == "upload_closed"
    assert client.sign(body["uploadId"], 2).status_code == 410
    assert client.sign_batch(body["uploadId"], [2]).json()["error"] == "upload_closed"
    assert client.complete(body["uploadId"], [{"PartNumber": 1, "ETag": "x"}]).status_code == 410
    assert Upload.objects.get(public_id=body["uploadId"]).state == Upload.State.ABORTED
    assert AuditEvent.objects.get(entry=entry, verb="upload_aborted").actor == user
    assert list(storage.incomplete_uploads()) == []
    assert not Film.objects.exists()


def test_declared_size_over_the_limit_is_refused_before_any_byte(mode, team):
    client, entry, _ = team
    limit = entry.contest.max_file_size_bytes

    response = client.create(size=limit + 1)

    assert response.status_code == 413
    assert response.json() == {
        "error": "too_big",
        "message": "This file is 4.0\xa0GB; the contest accepts files up to 4.0\xa0GB. "
        "Export a smaller file and upload it.",
    }
    assert not Upload.objects.exists()
    assert client.create(size=limit).status_code == 201


def test_object_over_the_limit_is_deleted_and_refused_at_complete(mode, team):
    client, entry, user = team
    body = client.create(size=16 * MIB).json()
    data = os.urandom(16 * MIB)
    parts = client.upload_parts(body["uploadId"], data, body["partSize"])
    entry.contest.max_file_size_bytes = 9 * MIB  # the organisers lower the limit while the parts arrive
    entry.contest.save()

    response = client.complete(body["uploadId"], parts)

    assert response.status_code == 413
    assert response.json()["error"] == "too_big"
    assert response.json()["message"].startswith("This file is 16.0\xa0MB; the contest accepts files up to 9.0\xa0MB.")
    assert storage.stat_object(body["key"]) is None
    assert not Film.objects.exists()
    assert Upload.objects.get(public_id=body["uploadId"]).state == Upload.State.ABORTED
    refused = AuditEvent.objects.get(entry=entry, verb="film_upload_refused")
    assert refused.actor == user
    assert refused.data["size"] == 16 * MIB


def test_another_teams_upload_answers_404(mode, team, live_server):
    client, entry, _ = team
    body = client.create(size=1000).json()
    other_team, intruder = team_with_member(contest=entry.contest)
    other_entry = EntryFactory(team=other_team)
    through_own_entry = TeamSession(live_server.url, intruder, other_entry)
    through_their_entry = TeamSession(live_server.url, intruder, entry)

    for intruder_client in (through_own_entry, through_their_entry):
        assert intruder_client.sign(body["uploadId"], 1).status_code == 404
        assert intruder_client.sign_batch(body["uploadId"], [1]).status_code == 404
        assert intruder_client.parts(body["uploadId"]).status_code == 404
        assert intruder_client.complete(body["uploadId"], []).status_code == 404
        assert intruder_client.abort(body["uploadId"]).status_code == 404
    assert through_their_entry.create(size=1000).status_code == 404
    assert Upload.objects.get(public_id=body["uploadId"]).state == Upload.State.OPEN
    assert Upload.objects.count() == 1


def test_upload_after_the_deadline_is_refused(mode, team):
    client, entry, _ = team
    body = client.create(size=1000).json()
    entry.contest.closes_at = timezone.now() - timedelta(seconds=1)
    entry.contest.save()

    created = client.create(size=1000)
    signed = client.sign(body["uploadId"], 1)
    signed_in_batch = client.sign_batch(body["uploadId"], [1])
    completed = client.complete(body["uploadId"], [{"PartNumber": 1, "ETag": "x"}])

    assert created.status_code == signed.status_code == signed_in_batch.status_code == completed.status_code == 403
    assert created.json()["error"] == "window_closed"
    assert "deadline has passed" in created.json()["message"]
    assert Upload.objects.count() == 1


def test_withdrawn_entry_refuses_uploads(mode, team):
    client, entry, _ = team
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.WITHDRAWN)
    response = client.create(size=1000)
    assert response.status_code == 403
    assert response.json()["error"] == "entry_closed"


def test_a_file_that_is_not_a_video_is_refused_at_create(mode, team):
    client, _, _ = team
    response = client.create(size=1000, filename="synopsis.pdf", content_type="application/pdf")
    assert response.status_code == 400
    assert response.json()["error"] == "not_a_video"
    assert client.create(size=1000, filename="film.mkv", content_type="").status_code == 201


def test_part_numbers_outside_the_file_are_not_signed(mode, team):
    client, _, _ = team
    body = client.create(size=9 * MIB).json()
    assert client.sign(body["uploadId"], 0).status_code == 400
    assert client.sign(body["uploadId"], 3).json()["error"] == "part_out_of_range"
    assert client.sign(body["uploadId"], 2).status_code == 200


def test_parts_signed_in_one_batch_each_take_their_own_part(mode, team):
    client, entry, _ = team
    data = os.urandom(16 * MIB + 5)
    body = client.create(size=len(data)).json()

    signed = client.sign_batch(body["uploadId"], [3, 1, 2])

    assert signed.status_code == 200, signed.text
    urls = signed.json()["urls"]
    assert sorted(urls) == ["1", "2", "3"]
    assert len(set(urls.values())) == 3
    chunks = {n: data[(n - 1) * 8 * MIB : n * 8 * MIB] for n in (1, 2, 3)}
    parts = []
    for number in (1, 2, 3):
        response = requests.put(urls[str(number)], data=chunks[number], timeout=30)
        assert response.status_code == 200, response.text
        parts.append({"PartNumber": number, "ETag": response.headers["ETag"]})
    assert client.complete(body["uploadId"], parts).status_code == 200
    assert stored_bytes(Film.objects.get(entry=entry).key) == data


def test_a_batch_with_a_part_outside_the_file_or_too_many_parts_signs_nothing(mode, team):
    client, _, _ = team
    body = client.create(size=9 * MIB).json()

    outside = client.sign_batch(body["uploadId"], [1, 2, 3])
    empty = client.sign_batch(body["uploadId"], [])
    too_many = client.sign_batch(body["uploadId"], [1] * 51)
    not_numbers = client.sign_batch(body["uploadId"], ["1"])

    assert outside.status_code == empty.status_code == 400
    assert outside.json() == {"error": "part_out_of_range", "message": "This part number is outside the file."}
    assert too_many.status_code == not_numbers.status_code == 400
    assert too_many.json() == {
        "error": "bad_request",
        "message": "Send JSON {partNumbers: [...]} with at most 50 part numbers.",
    }


def test_replacing_keeps_the_old_file_until_the_new_one_completes(mode, team):
    client, entry, user = team
    old_data, new_data = os.urandom(300_000), os.urandom(200_000)
    old = client.create(size=len(old_data)).json()
    client.complete(old["uploadId"], client.upload_parts(old["uploadId"], old_data, old["partSize"]))
    Entry.objects.filter(pk=entry.pk).update(film_accepted=True)  # as if the checks had passed
    new = client.create(size=len(new_data)).json()
    new_parts = client.upload_parts(new["uploadId"], new_data, new["partSize"])

    assert stored_bytes(old["key"]) == old_data
    assert Film.objects.get(replaced_at__isnull=True).key == old["key"]

    assert client.complete(new["uploadId"], new_parts).status_code == 200

    current = Film.objects.get(replaced_at__isnull=True)
    assert current.key == new["key"]
    assert stored_bytes(new["key"]) == new_data
    assert stored_bytes(old["key"]) is None
    assert Film.objects.get(key=old["key"]).replaced_at == current.created_at
    assert (
        AuditEvent.objects.get(verb="film_received", data__key=new["key"]).data["replaced"]
        == Film.objects.get(key=old["key"]).pk
    )
    assert Entry.objects.get(pk=entry.pk).film_accepted is False


def test_local_part_urls_refuse_a_tampered_token_and_a_body_larger_than_a_part(team, settings):
    client, _, _ = team
    body = client.create(size=9 * MIB).json()
    url = client.sign(body["uploadId"], 2).json()["url"]

    assert requests.put(url.replace("/part/", "/part/x"), data=b"abc", timeout=30).status_code == 403
    assert requests.put(url, data=b"\0" * (8 * MIB + 1), timeout=30).status_code == 413
    assert requests.put(url, data=b"\0" * MIB, timeout=30).status_code == 200
    assert [p["PartNumber"] for p in client.parts(body["uploadId"]).json()] == [2]


def test_s3_part_urls_expire_within_the_configured_seconds(s3, team, settings):
    settings.S3_PRESIGN_SECONDS = 120
    client, _, _ = team
    body = client.create(size=1000).json()
    url = client.sign(body["uploadId"], 1).json()["url"]
    assert url.startswith(settings.S3_PUBLIC_ENDPOINT_URL + "/" + settings.S3_BUCKET + "/uploads/")
    assert "X-Amz-Expires=120&" in url
    assert "partNumber=1&" in url


def test_only_the_owning_team_reaches_the_upload_endpoints(team):
    _, entry, owner = team
    upload = services.start_upload(entry=entry, by=owner, filename="film.mp4", content_type="video/mp4", size=1000)
    base = f"/c/{entry.contest.slug}/team/entries/{entry.public_id}/uploads/"
    one = f"{base}{upload.public_id}/"
    calls = [
        ("post", base, {"filename": "film.mp4", "type": "video/mp4", "size": 1000}),
        ("get", f"{one}parts/1/", None),
        ("post", f"{one}parts/sign/", {"partNumbers": [1]}),
        ("get", f"{one}parts/", None),
        ("post", f"{one}complete/", {"parts": []}),
        ("delete", one, None),
    ]
    _, other_member = team_with_member(contest=entry.contest)
    outsiders = {
        "anonymous": None,
        "organiser": ContestRoleFactory(contest=entry.contest, role=ContestRole.Role.ORGANISER).user,
        "juror": ContestRoleFactory(contest=entry.contest, role=ContestRole.Role.JUROR).user,
        "another team": other_member,
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    answers = {}
    for who, user in outsiders.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for method, url, body in calls:
            response = getattr(client, method)(url, body and json.dumps(body), content_type="application/json")
            answers[(who, method, url)] = response.status_code
    assert set(answers.values()) == {404}, {call: code for call, code in answers.items() if code != 404}
    assert Upload.objects.get(pk=upload.pk).state == Upload.State.OPEN
    assert Upload.objects.count() == 1

    client = Client()
    client.force_login(owner)
    owned = [
        getattr(client, m)(url, body and json.dumps(body), content_type="application/json") for m, url, body in calls
    ]
    assert [response.status_code for response in owned] == [201, 200, 200, 200, 400, 204]
