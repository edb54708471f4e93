"""The local media view (/media/<token>/): tokens only the server's own key signs, a safe content type whatever the
token asks for, and byte ranges as RFC 9110 allows."""

import time

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from media_pipeline import delivery

pytestmark = pytest.mark.django_db

BODY = b"<html><script>alert(document.cookie)</script></html>" + bytes(range(256)) * 4
OLD_DEVELOPMENT_KEY = "dev-only-insecure-key-palmares-do-not-use-in-production"  # noqa: S105 (published in git history)


@pytest.fixture
def stored_key():
    return default_storage.save("renditions/delivery-test/proxy.mp4", ContentFile(BODY))


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_media_token_minted_with_the_former_published_development_key_is_refused(client, stored_key):
    payload = {"k": stored_key, "t": "text/html", "e": int(time.time()) + 300}
    token = signing.dumps(payload, key=OLD_DEVELOPMENT_KEY, salt=delivery.TOKEN_SALT, compress=True)

    response = client.get(f"/media/{token}/")

    assert response.status_code == 403
    assert _content(response) == b"This media link is invalid or has expired."


@pytest.mark.parametrize(
    "asked", ["text/html", "application/xhtml+xml", "image/svg+xml", "text/html; charset=utf-8", ""]
)
def test_media_asked_for_as_a_page_is_served_as_an_attachment_that_cannot_run(client, stored_key, asked):
    url = delivery.signed_media_url(key=stored_key, content_type=asked)

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert _content(response) == BODY


@pytest.mark.parametrize(
    ("asked", "served"),
    [("video/mp4", "video/mp4"), ("image/jpeg", "image/jpeg"), ("text/vtt", "text/vtt; charset=utf-8")],
)
def test_films_posters_and_subtitles_keep_their_type_inline_and_sandboxed(client, stored_key, asked, served):
    response = client.get(delivery.signed_media_url(key=stored_key, content_type=asked))

    assert response.status_code == 200
    assert response["Content-Type"] == served
    assert "Content-Disposition" not in response
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_multi_range_request_answers_200_with_the_whole_body(client, stored_key):
    url = delivery.signed_media_url(key=stored_key, content_type="video/mp4")

    response = client.get(url, HTTP_RANGE="bytes=0-1,5-9")

    assert response.status_code == 200
    assert _content(response) == BODY
    assert response["Content-Length"] == str(len(BODY))
    assert response["Accept-Ranges"] == "bytes"
    assert "Content-Range" not in response


def test_one_range_is_206_and_a_range_past_the_end_416(client, stored_key):
    url = delivery.signed_media_url(key=stored_key, content_type="video/mp4")

    partial = client.get(url, HTTP_RANGE="bytes=5-9")
    suffix = client.get(url, HTTP_RANGE="bytes=-3")
    past_the_end = client.get(url, HTTP_RANGE=f"bytes={len(BODY)}-")

    assert (partial.status_code, _content(partial), partial["Content-Range"]) == (
        206,
        BODY[5:10],
        f"bytes 5-9/{len(BODY)}",
    )
    assert (suffix.status_code, _content(suffix)) == (206, BODY[-3:])
    assert past_the_end.status_code == 416
    assert past_the_end["Content-Range"] == f"bytes */{len(BODY)}"
