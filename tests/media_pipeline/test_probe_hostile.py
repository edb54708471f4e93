"""Playlists dressed as films must never make FFmpeg open anything: not a planted local file, not a FIFO, not a
loopback HTTP server. Checked end to end through probe_media, and at the FFmpeg layer with autodetection on."""

import contextlib
import http.server
import os
import threading
import urllib.request

import av
import pytest

from media_pipeline import samples
from media_pipeline.containers import demuxer_options, refuse_nested_open
from media_pipeline.probe import MediaRules, probe_path


class CountingServer:
    def __init__(self):
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "video/mp2t")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class WatchedFifo:
    """A FIFO whose writer blocks until someone opens it for reading: `was_opened` says whether anyone did."""

    def __init__(self, path, payload: bytes):
        os.mkfifo(path)
        self.path, self.payload, self.was_opened, self.closing = path, payload, False, False
        self.thread = threading.Thread(target=self._write, daemon=True)
        self.thread.start()

    def _write(self):
        with open(self.path, "wb") as fifo:  # blocks until a reader opens the FIFO
            if self.closing:
                return
            self.was_opened = True
            with contextlib.suppress(BrokenPipeError):
                fifo.write(self.payload)

    def close(self):
        if not self.was_opened:
            self.closing = True
            reader = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)  # releases the writer thread
            self.thread.join(timeout=5)
            os.close(reader)


@pytest.fixture
def server():
    server = CountingServer()
    yield server
    server.close()


@pytest.fixture
def planted(tmp_path, films):
    """A real film on disk with an old access time, and a FIFO serving the same bytes."""
    film = tmp_path / "planted.mp4"
    payload = films.get("h264").read_bytes()
    film.write_bytes(payload)
    fifo = WatchedFifo(tmp_path / "planted.fifo", payload)
    mtime = film.stat().st_mtime
    os.utime(film, (mtime - 3600, mtime))  # relatime updates atime on the next read when atime < mtime
    yield film, fifo
    fifo.close()


def _targets(planted, server):
    film, fifo = planted
    return [f"file://{film}", str(film), f"file://{fifo.path}", f"{server.url}/segment.ts"]


@pytest.mark.parametrize("make", [samples.make_hls_playlist, samples.make_ffconcat])
@pytest.mark.parametrize("full", [False, True])
def test_playlist_dressed_as_mp4_is_refused_and_opens_nothing(tmp_path, planted, server, make, full):
    film, fifo = planted
    atime_before = film.stat().st_atime
    playlist = make(tmp_path / "film.mp4", targets=_targets(planted, server))

    report = probe_path(playlist, rules=MediaRules(), full=full)

    assert report.verdict == "rejected"
    assert report.problem_codes == ["not_a_video"]
    assert server.requests == []
    assert fifo.was_opened is False
    assert film.stat().st_atime == atime_before


@pytest.mark.parametrize("make", [samples.make_hls_playlist, samples.make_ffconcat])
def test_ffmpeg_autodetection_with_our_options_refuses_playlists(tmp_path, planted, server, make):
    """Defence in depth: even if the sniffing were bypassed, the format and protocol allow-lists and the refusing
    io_open keep FFmpeg from following the playlist."""
    film, fifo = planted
    atime_before = film.stat().st_atime
    playlist = make(tmp_path / "film.mp4", targets=_targets(planted, server))

    with open(playlist, "rb") as fileobj, pytest.raises(av.FFmpegError):
        av.open(fileobj, container_options=demuxer_options(None), io_open=refuse_nested_open)

    assert server.requests == []
    assert fifo.was_opened is False
    assert film.stat().st_atime == atime_before


def test_planted_file_access_would_be_detected(planted, server):
    """The detectors themselves work: reading the FIFO and the film, and a request to the server, are noticed."""
    film, fifo = planted
    urllib.request.urlopen(f"{server.url}/segment.ts", timeout=5).close()
    assert server.requests == ["/segment.ts"]
    atime_before = film.stat().st_atime
    film.read_bytes()
    with open(fifo.path, "rb") as reader:
        reader.read()
    fifo.thread.join(timeout=5)

    assert fifo.was_opened is True
    assert film.stat().st_atime > atime_before


def test_mp4_with_hls_inside_is_not_followed(tmp_path, planted, server, films):
    """An MP4 header glued in front of a playlist still goes to the MP4 demuxer only."""
    playlist = samples.make_hls_playlist(tmp_path / "list.m3u8", targets=_targets(planted, server))
    hybrid = tmp_path / "hybrid.mp4"
    hybrid.write_bytes(films.get("h264").read_bytes()[:64] + playlist.read_bytes())

    report = probe_path(hybrid, rules=MediaRules())

    assert report.verdict == "rejected"
    assert report.problem_codes == ["truncated"]
    assert server.requests == []
    assert planted[1].was_opened is False
