"""Storage takes what the upload declared and nothing else: each part URL is signed for its exact length, storage's
list of parts is checked against the declared size before the parts are joined, the uploads a team keeps open are
capped, and each upload endpoint answers a malformed body with 400 and a message. Attacks over real HTTP: JSON calls
to a live Django server, part PUTs with a plain HTTP client (moto's S3 server in S3 mode, Django in local mode)."""

import hashlib
import hmac
import json
import os
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
import requests
from django.test import Client

from contest.models import AuditEvent
from media_pipeline import services, storage
from media_pipeline.models import Film, Upload
from tests.factories import ContestFactory, EntryFactory, team_with_member

from .test_upload import TeamSession, stored_bytes

MIB = 1024 * 1024
ATTACK = os.urandom(21 * 1000 * 1000)  # 21 MB, sent for an upload declared as 1 byte


@pytest.fixture(params=["local", "s3"])
def mode(request):
    if request.param == "s3":
        request.getfixturevalue("s3")
    return request.param


@pytest.fixture
def team(live_server, transactional_db):
    team, user = team_with_member()
    entry = EntryFactory(team=team)
    return TeamSession(live_server.url, user, entry), entry, user


def sigv4_accepts(url: str, *, content_length: int, secret: str = "testing") -> bool:
    """Whether S3 would accept a PUT of `content_length` bytes to a presigned `url`: AWS Signature V4 recomputed
    here from its specification (query-string auth, unsigned payload), independently of boto3. moto itself checks
    no signature, so this is what stands for S3's check in these tests."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    values = dict(query)
    signed_headers = values["X-Amz-SignedHeaders"].split(";")
    headers = {"host": parts.netloc, "content-length": str(content_length)}
    canonical_query = "&".join(
        f"{quote(key, safe='-_.~')}={quote(value, safe='-_.~')}"
        for key, value in sorted(query)
        if key != "X-Amz-Signature"
    )
    canonical_request = "\n".join(
        [
            "PUT",
            parts.path,
            canonical_query,
            "".join(f"{name}:{headers[name]}\n" for name in signed_headers),
            ";".join(signed_headers),
            "UNSIGNED-PAYLOAD",
        ]
    )
    _, date, region, service, _ = values["X-Amz-Credential"].split("/")
    to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            values["X-Amz-Date"],
            f"{date}/{region}/{service}/aws4_request",
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    key = f"AWS4{secret}".encode()
    for step in (date, region, service, "aws4_request"):
        key = hmac.new(key, step.encode(), hashlib.sha256).digest()
    return hmac.compare_digest(hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), values["X-Amz-Signature"])


def nothing_stored(upload_key: str) -> bool:
    return storage.stat_object(upload_key) is None and list(storage.incomplete_uploads()) == []


def test_each_s3_part_url_is_signed_for_the_exact_length_of_its_part(s3, team):
    client, _, _ = team
    body = client.create(size=16 * MIB + 5).json()

    urls = client.sign_batch(body["uploadId"], [1, 2, 3]).json()["urls"]

    for number, length in ((1, 8 * MIB), (2, 8 * MIB), (3, 5)):
        url = urls[str(number)]
        assert "X-Amz-SignedHeaders=content-length%3Bhost&" in url
        assert sigv4_accepts(url, content_length=length)
        assert not sigv4_accepts(url, content_length=length + 1)
        assert not sigv4_accepts(url, content_length=5 * 1024**3)
    single = client.sign(body["uploadId"], 3).json()["url"]
    assert sigv4_accepts(single, content_length=5)
    assert not sigv4_accepts(single, content_length=21 * 1000 * 1000)


def test_s3_a_21_mb_part_for_a_1_byte_upload_is_refused_and_nothing_is_stored(s3, team):
    client, entry, user = team
    body = client.create(size=1, filename="film.mp4").json()
    url = client.sign(body["uploadId"], 1).json()["url"]
    assert not sigv4_accepts(url, content_length=len(ATTACK))  # what S3 answers: 403 SignatureDoesNotMatch

    put = requests.put(url, data=ATTACK, timeout=60)
    # moto verifies no signature: it stores the part. The check of storage's part list below still refuses it.
    assert put.status_code == 200
    completed = client.complete(body["uploadId"], [{"PartNumber": 1, "ETag": put.headers["ETag"]}])

    assert completed.status_code == 400
    assert completed.json() == {
        "error": "size_mismatch",
        "message": "The parts received do not make the file of 1\xa0byte that was announced. Start the upload again.",
    }
    assert nothing_stored(body["key"])
    assert not Film.objects.exists()
    assert Upload.objects.get(public_id=body["uploadId"]).state == Upload.State.ABORTED
    refused = AuditEvent.objects.get(entry=entry, verb="film_upload_refused")
    assert refused.actor == user
    assert refused.data == {
        "upload": body["uploadId"],
        "reason": "size_mismatch",
        "size": None,
        "declared_size": 1,
        "limit": entry.contest.max_file_size_bytes,
    }


def test_local_a_21_mb_part_for_a_1_byte_upload_is_refused_before_any_byte_is_written(settings, team):
    client, _, _ = team
    body = client.create(size=1, filename="film.mp4").json()
    url = client.sign(body["uploadId"], 1).json()["url"]

    put = requests.put(url, data=ATTACK, timeout=60)
    one_byte_more = requests.put(url, data=b"ab", timeout=60)

    assert put.status_code == one_byte_more.status_code == 413
    assert put.text == one_byte_more.text == "This part is larger than the agreed part size."
    assert client.parts(body["uploadId"]).json() == []
    upload = Upload.objects.get(public_id=body["uploadId"])
    assert [path.name for path in (settings.MEDIA_ROOT / "upload-parts" / upload.storage_upload_id).iterdir()] == [
        "upload.json"
    ]
    assert client.complete(body["uploadId"], [{"PartNumber": 1, "ETag": "x"}]).json()["error"] == "invalid_part"
    assert storage.stat_object(body["key"]) is None


def test_a_part_shorter_than_its_share_of_the_declared_file_is_refused(mode, team):
    client, entry, _ = team
    data = os.urandom(16 * MIB + 5)
    body = client.create(size=len(data)).json()
    short_middle = [data[: 8 * MIB], data[8 * MIB : 16 * MIB - 1], data[16 * MIB :]]
    urls = client.sign_batch(body["uploadId"], [1, 2, 3]).json()["urls"]
    assert not sigv4_accepts(urls["2"], content_length=8 * MIB - 1) if mode == "s3" else True

    answers = [requests.put(urls[str(n)], data=short_middle[n - 1], timeout=30) for n in (1, 2, 3)]

    if mode == "local":
        assert [answer.status_code for answer in answers] == [200, 400, 200]
        assert answers[1].text == "This part is not the size agreed for it."
        assert [p["PartNumber"] for p in client.parts(body["uploadId"]).json()] == [1, 3]
        return
    # moto takes the short part; joining them is refused from storage's own list of parts.
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    parts = [{"PartNumber": n, "ETag": answers[n - 1].headers["ETag"]} for n in (1, 2, 3)]
    completed = client.complete(body["uploadId"], parts)
    assert completed.status_code == 400
    assert completed.json()["error"] == "size_mismatch"
    assert nothing_stored(body["key"])
    assert not Film.objects.filter(entry=entry).exists()


def test_completing_with_a_part_missing_keeps_the_upload_open_to_resume(mode, team):
    client, entry, _ = team
    data = os.urandom(8 * MIB + 3)
    body = client.create(size=len(data)).json()
    sent = client.upload_parts(body["uploadId"], data, body["partSize"], numbers={1})

    completed = client.complete(body["uploadId"], sent)

    assert completed.status_code == 400
    assert completed.json() == {
        "error": "invalid_part",
        "message": "Some parts are missing or damaged. Resume the upload.",
    }
    assert Upload.objects.get(public_id=body["uploadId"]).state == Upload.State.OPEN
    rest = client.upload_parts(body["uploadId"], data, body["partSize"], numbers={2})
    assert client.complete(body["uploadId"], [*sent, *rest]).status_code == 200
    assert stored_bytes(Film.objects.get(entry=entry).key) == data


def test_a_local_part_url_replayed_under_another_contest_answers_404_and_stores_nothing(team, live_server):
    client, entry, _ = team
    body = client.create(size=1000).json()
    url = client.sign(body["uploadId"], 1).json()["url"]
    other = ContestFactory()
    replayed = url.replace(f"/c/{entry.contest.slug}/", f"/c/{other.slug}/")
    assert replayed != url

    response = requests.put(replayed, data=b"\0" * 1000, timeout=30)

    assert response.status_code == 404
    assert client.parts(body["uploadId"]).json() == []
    assert requests.put(url, data=b"\0" * 1000, timeout=30).status_code == 200


# Caps and body shapes, through Django's test client.


def _create_url(entry) -> str:
    return f"/c/{entry.contest.slug}/team/entries/{entry.public_id}/uploads/"


def _create(client, entry, **body):
    body = {"filename": "film.mp4", "type": "video/mp4", "size": 1000, **body}
    return client.post(_create_url(entry), json.dumps(body), content_type="application/json")


@pytest.fixture
def member(db):
    team, user = team_with_member()
    client = Client()
    client.force_login(user)
    return client, EntryFactory(team=team), user


def test_an_entry_keeps_at_most_three_uploads_open(member):
    client, entry, _ = member
    assert [_create(client, entry).status_code for _ in range(3)] == [201, 201, 201]

    fourth = _create(client, entry)

    assert fourth.status_code == 409
    assert fourth.json() == {
        "error": "too_many_uploads",
        "message": "This film already has 3 uploads in progress. Continue or discard one of them, or wait a day "
        "for them to expire, before starting another.",
    }
    assert Upload.objects.filter(entry=entry).count() == 3
    oldest = Upload.objects.filter(entry=entry).order_by("created_at").first()
    assert client.delete(f"{_create_url(entry)}{oldest.public_id}/").status_code == 204
    assert _create(client, entry).status_code == 201


def test_a_team_keeps_at_most_the_configured_uploads_open_across_its_entries(member, settings):
    settings.UPLOAD_MAX_OPEN_PER_TEAM = 4
    client, entry, _ = member
    second = EntryFactory(team=entry.team, contest=entry.contest)
    assert [_create(client, e).status_code for e in (entry, entry, entry, second)] == [201, 201, 201, 201]

    refused = _create(client, second)

    assert refused.status_code == 409
    assert refused.json()["message"].startswith("Your team already has 4 uploads in progress.")
    assert Upload.objects.count() == 4


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"type": "video/mp4\r\nX-Amz-Acl: public-read"},
            'Send the file\'s type as a MIME type such as "video/mp4", or "" when unknown.',
        ),
        (
            {"type": "video/mp4; codecs=avc1"},
            'Send the file\'s type as a MIME type such as "video/mp4", or "" when unknown.',
        ),
        (
            {"type": "video/" + "x" * 200},
            'Send the file\'s type as a MIME type such as "video/mp4", or "" when unknown.',
        ),
        ({"type": ["video/mp4"]}, 'Send the file\'s type as a MIME type such as "video/mp4", or "" when unknown.'),
        (
            {"filename": "film\x00.mp4"},
            "The file's name contains control characters (such as a line break). Rename the file.",
        ),
        (
            {"filename": "film\r\n.mp4"},
            "The file's name contains control characters (such as a line break). Rename the file.",
        ),
        ({"filename": ""}, "Send the file's name as text of at most 1024 characters."),
        ({"filename": 12}, "Send the file's name as text of at most 1024 characters."),
        ({"filename": "f" * 1025 + ".mp4"}, "Send the file's name as text of at most 1024 characters."),
        ({"size": True}, "Send the file's size as a whole number of bytes."),
        ({"size": "1000"}, "Send the file's size as a whole number of bytes."),
        ({"size": 10.5}, "Send the file's size as a whole number of bytes."),
    ],
)
def test_s3_create_with_a_malformed_body_answers_400_and_opens_nothing(s3, member, body, message):
    client, entry, _ = member

    response = _create(client, entry, **body)

    assert response.status_code == 400
    assert response.json() == {"error": "bad_request", "message": message}
    assert not Upload.objects.exists()
    assert list(storage.incomplete_uploads()) == []


def test_create_with_a_body_that_is_not_an_object_answers_400(member):
    client, entry, _ = member
    for raw in ("[1, 2]", '"film.mp4"', "{", "null"):
        response = client.post(_create_url(entry), raw, content_type="application/json")
        assert response.status_code == 400
        assert response.json() == {"error": "bad_request", "message": "Send JSON {filename, type, size}."}


@pytest.mark.parametrize(
    "numbers",
    [[True], [1.0], ["1"], [[1]], [None], None, "1", {"1": 1}, [1] * 51],
)
def test_signing_part_numbers_of_the_wrong_shape_answers_400(member, numbers):
    client, entry, user = member
    upload = services.start_upload(entry=entry, by=user, filename="film.mp4", content_type="video/mp4", size=1000)

    response = client.post(
        f"{_create_url(entry)}{upload.public_id}/parts/sign/",
        json.dumps({"partNumbers": numbers}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": "bad_request",
        "message": "Send JSON {partNumbers: [...]} with at most 50 part numbers.",
    }


@pytest.mark.parametrize("numbers", [[0], [2], [-1], [10**30]])
def test_signing_part_numbers_outside_the_file_answers_400(member, numbers):
    client, entry, user = member
    upload = services.start_upload(entry=entry, by=user, filename="film.mp4", content_type="video/mp4", size=1000)

    response = client.post(
        f"{_create_url(entry)}{upload.public_id}/parts/sign/",
        json.dumps({"partNumbers": numbers}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {"error": "part_out_of_range", "message": "This part number is outside the file."}


@pytest.mark.parametrize(
    "parts",
    [
        "abc",
        {"1": "x"},
        [1, 2],
        [{"PartNumber": "1", "ETag": "x"}],
        [{"PartNumber": True, "ETag": "x"}],
        [{"PartNumber": 1.0, "ETag": "x"}],
        [{"PartNumber": 1}],
        [{"PartNumber": 1, "ETag": {"a": 1}}],
        [{"PartNumber": 1, "ETag": "x" * 101}],
        None,
    ],
)
def test_s3_completing_with_malformed_parts_answers_400_and_keeps_the_upload(s3, member, parts):
    client, entry, user = member
    upload = services.start_upload(entry=entry, by=user, filename="film.mp4", content_type="video/mp4", size=1000)

    response = client.post(
        f"{_create_url(entry)}{upload.public_id}/complete/",
        json.dumps({"parts": parts}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {"error": "bad_request", "message": "Send JSON {parts: [{PartNumber, ETag}, ...]}."}
    assert Upload.objects.get(pk=upload.pk).state == Upload.State.OPEN


@pytest.mark.parametrize("number", [10**30, 2, 0])
def test_s3_completing_with_a_part_number_outside_the_file_answers_400(s3, member, number):
    client, entry, user = member
    upload = services.start_upload(entry=entry, by=user, filename="film.mp4", content_type="video/mp4", size=1000)

    response = client.post(
        f"{_create_url(entry)}{upload.public_id}/complete/",
        json.dumps({"parts": [{"PartNumber": number, "ETag": "x"}]}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_part"
    assert Upload.objects.get(pk=upload.pk).state == Upload.State.OPEN
