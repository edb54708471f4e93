"""Captions load in the juror's player when media come from the storage's own origin (S3 mode: MinIO or a bucket,
a separate origin from the site): a cross-origin <track> needs the video's `crossorigin` and the bucket's CORS."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from contest.models import Entry
from media_pipeline.bucket import configure_bucket
from media_pipeline.models import Film, Rendition
from media_pipeline.samples import make_film
from tests.factories import EntryFactory
from tests.judging.factories import RoundFactory, assign, seated_juror

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VTT = b"WEBVTT\n\n00:00.000 --> 00:03.000\nIl ne parle plus.\n"


def test_the_jurors_player_loads_the_subtitles_from_the_bucket(live_server, s3, moto_server, page, login, tmp_path):
    configure_bucket(origins=[live_server.url])
    entry = EntryFactory(status=Entry.Status.SUBMITTED, film_accepted=True, language="français")
    data = make_film(tmp_path / "film.webm", duration_s=3, width=320, height=180, fps=12, video_codec="libvpx-vp9")
    key = default_storage.save("uploads/captions-film.webm", ContentFile(data.read_bytes()))
    film = Film.objects.create(
        entry=entry, key=key, original_name="f.webm", content_type="video/webm", size=1, checksum="x", state="ready"
    )
    subtitles = default_storage.save("renditions/captions.vtt", ContentFile(VTT))
    Rendition.objects.create(film=film, kind=Rendition.Kind.SUBTITLES, key=subtitles, content_type="text/vtt")
    round_ = RoundFactory(contest=entry.contest)
    juror = seated_juror(round_)
    assign(round_, juror, entry)
    login(page, juror.email)
    page.goto(f"{live_server.url}/c/{entry.contest.slug}/jury/rounds/{round_.pk}/entries/{entry.code}/")
    track = page.locator("video#film track")
    assert track.get_attribute("src").startswith(moto_server)  # another origin than the site's
    assert track.get_attribute("srclang") == "fr"
    page.evaluate("() => { document.getElementById('film').textTracks[0].mode = 'showing'; }")
    page.wait_for_function("() => { const t = document.querySelector('video#film track'); return t.readyState >= 2; }")
    assert page.evaluate("() => document.querySelector('video#film track').readyState") == 2  # loaded, not error
    cues = page.evaluate("() => [...document.getElementById('film').textTracks[0].cues].map(c => c.text)")
    assert cues == ["Il ne parle plus."]
    page.wait_for_function("() => document.getElementById('film').readyState >= 1")  # the film itself still loads
