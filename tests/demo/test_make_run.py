"""`make run`'s steps with its embedded defaults (SQLite, local files, the filesystem broker) in a private folder:
migrate, load the demo, serve with a worker and beat; a demo login works; Ctrl-C stops every process cleanly."""

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _embedded_env(run_dir: Path, port: int) -> dict:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DATABASE_", "REDIS_", "S3_", "CELERY_", "DJANGO_")) and name != "CI"
    }
    return {**env, "PALMARES_RUN_DIR": str(run_dir), "PALMARES_ADDRPORT": f"127.0.0.1:{port}"}


def _descendants(pid: int) -> list[int]:
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [grandchild for child in map(int, children) for grandchild in [child, *_descendants(child)]]


def _ready(run_dir: Path) -> tuple[int, int]:
    """How many films, and how many of their (marked) screeners, are ready."""
    with contextlib.closing(sqlite3.connect(run_dir / "palmares.sqlite3", timeout=10)) as database:
        films = database.execute("SELECT count(*) FROM media_pipeline_film WHERE state = 'ready'").fetchone()[0]
        screeners = database.execute(
            "SELECT count(*) FROM media_pipeline_screener WHERE state = 'ready' AND marked"
        ).fetchone()[0]
        return films, screeners


def _log_in(base: str, email: str, password: str) -> tuple[str, str]:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = opener.open(f"{base}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": email, "password": password}).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/"})
    with opener.open(request, timeout=10) as response:
        return response.geturl(), response.read().decode()


def test_make_run_serves_the_demo_and_stops_cleanly_on_ctrl_c(tmp_path):
    port = _free_port()
    env = _embedded_env(tmp_path / "run", port)
    for command in (["migrate", "--noinput"], ["load_demo"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    assert "  team1@example.org        team « Les Voix du Lycée »" in done.stdout.splitlines()
    mails = [line for line in done.stdout.splitlines() if line.startswith("Mail to ")]  # the releases' approvals
    assert mails and all(line.startswith("Mail to team") for line in mails), done.stdout
    assert "To: team1@example.org" not in done.stdout.splitlines()  # never the whole mail
    assert (tmp_path / "run" / "palmares.sqlite3").exists()

    server = subprocess.Popen(
        [sys.executable, "manage.py", "run_all"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/accounts/login/", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
                assert server.poll() is None, server.stdout.read()
                time.sleep(0.5)
        landed, html = _log_in(base, "team1@example.org", "palmares-demo")
        assert landed == f"{base}/c/action-vss/team/"
        assert "Sans voix" in html and '<html lang="fr">' in html

        # The demo's three films (60–90 s each) go through the real pipeline in the worker, soon after the server
        # answers, then get their screeners; stopping waits for them so that no transcode is cut short (Celery's
        # warm shutdown would wait for a running one past run_all's deadline).
        deadline = time.monotonic() + 300
        while min(_ready(tmp_path / "run")) < 3:
            assert time.monotonic() < deadline, "the demo films and screeners were not ready within 5 minutes"
            assert server.poll() is None, server.stdout.read()
            time.sleep(1)

        deadline = time.monotonic() + 60
        while len(processes := _descendants(server.pid)) < 5:  # web, beat, the worker and its two pool processes
            assert time.monotonic() < deadline, f"only {len(processes)} processes after 60 s"
            time.sleep(0.5)
        server.send_signal(signal.SIGINT)  # what Ctrl-C sends to the foreground process
        output, _ = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    assert server.returncode == 0
    assert output.rstrip().endswith("Stopped.")
    # Every process stopped on its own before run_all's 15-second deadline (one it had to kill would be named here);
    # no wall-clock bound beyond that: on a loaded machine the seconds around the deadline are the load's.
    assert "did not stop" not in output and "ERROR" not in output
    assert f"Palmarès is serving at http://127.0.0.1:{port}/ (Ctrl-C stops everything)" in output
    assert [pid for pid in processes if Path(f"/proc/{pid}").exists()] == []
