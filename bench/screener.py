"""Bench: from upload to a juror-playable screener, for a MINUTES-minute film of LINES lines (default: 10 minutes,
1080p, 25 frames/s, with sound). The film's bytes go into a multipart upload in local storage; the clock starts
when the upload is completed and stops when the assigned juror's browser could play the marked screener: the blind
page's HLS source answers with the master playlist, a rung's playlist and a segment's address. The pipeline's tasks
run in this process one after the other, as the worker runs them, each with its own figure: checks, the transcode
(MP4 proxy, light rendition, posters), the marked screener (every rung, variants A and B). Also the storage per
minute of film of each. Creates its own database (BENCH_DATABASE, default
palmares_bench_screener) on BENCH_POSTGRES_URL's server and drops it afterwards. Last line: one JSON object.

    .venv/bin/python bench/screener.py [--minutes 10] [--lines 1080]
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.lib.postgres import SERVER, admin_sql  # noqa: E402 (after the path)

DATABASE = os.environ.get("BENCH_DATABASE", "palmares_bench_screener")
WORK = Path(tempfile.mkdtemp(prefix="bench-screener-"))
os.environ.update(
    DATABASE_URL=f"{SERVER}/{DATABASE}",
    MEDIA_ROOT=str(WORK / "media"),
    PIPELINE_WORK_DIR=str(WORK / "work"),
    PIPELINE_TRANSCODE_TIME_LIMIT="7000",
)
os.environ.pop("REDIS_URL", None)
os.environ.pop("S3_BUCKET", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

MIB = 1024 * 1024
# Upload to a juror-playable marked screener within 2.5 times the film's duration on this 2-core machine: a
# 10-minute film uploaded at the deadline reaches the jury marked within 25 minutes (its MP4 proxy, made first,
# plays meanwhile).
TARGET_REALTIME_FACTOR = 2.5


def world():
    """An open contest, a team's entry, and an open round where one juror is assigned to it."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import User
    from contest.models import Contest, ContestRole, Entry, Institution, Team, TeamMember
    from judging.models import Assignment, Criterion, Round, RoundJuror

    now = timezone.now()
    contest = Contest.objects.create(
        slug="bench",
        title_fr="Banc des screeners",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
        max_file_size_bytes=8 * 1024**3,
    )
    team = Team.objects.create(contest=contest, name="Équipe", institution=Institution.objects.create(name="Lycée"))
    captain = User.objects.create_user("team@bench.invalid", None, full_name="Capitaine")
    TeamMember.objects.create(team=team, user=captain, role=TeamMember.Role.CAPTAIN, job="réalisation")
    entry = Entry.objects.create(
        contest=contest,
        team=team,
        title="Sans voix",
        synopsis_fr="Une histoire courte.",
        consent_on_screen=True,
        rights_cleared=True,
        rules_accepted=True,
        status=Entry.Status.SUBMITTED,
        submitted_at=now,
    )
    jury_round = Round.objects.create(
        contest=contest, name_fr="Finale", order=1, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=7)
    )
    Criterion.objects.create(round=jury_round, name_fr="Message", weight=1, scale_min=1, scale_max=5, step=1, order=1)
    juror = User.objects.create_user("juror@bench.invalid", None, full_name="Juré")
    ContestRole.objects.create(contest=contest, user=juror, role=ContestRole.Role.JUROR)
    RoundJuror.objects.create(round=jury_round, user=juror)
    Assignment.objects.create(round=jury_round, juror=juror, entry=entry, manual=True)
    return contest, jury_round, entry, captain, juror


def upload(entry, captain, path: Path):
    """The film's bytes into a multipart upload, part by part, as the browser sends them (not timed)."""
    from media_pipeline import services, storage

    size = path.stat().st_size
    opened = services.start_upload(
        entry=entry, by=captain, filename="sans-voix.mp4", content_type="video/mp4", size=size
    )
    parts = []
    with open(path, "rb") as source:
        for number in range(1, -(-size // opened.part_size) + 1):
            length = opened.part_length(number)
            etag = storage.write_local_part(
                storage_upload_id=opened.storage_upload_id, part_number=number, stream=source, length=length
            )
            parts.append((number, etag))
    return opened, parts


def playable(contest, jury_round, entry, juror) -> list[int]:
    """What the juror's player asks for first: the blind page's HLS source, the master playlist it redirects to,
    the top rung's playlist and its first segment's address. Their status codes."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(juror)
    kwargs = {"contest_slug": contest.slug, "round_id": jury_round.pk, "code": entry.code}
    opened = client.get(reverse("jury_screener", kwargs=kwargs))
    statuses = [opened.status_code]
    if opened.status_code != 302:
        return statuses
    address = opened["Location"]
    for _ in range(3):  # the master playlist, a rung's playlist, its first segment
        answer = client.get(address)
        statuses.append(answer.status_code)
        if answer.status_code != 200:
            break
        line = next(line for line in answer.content.decode().splitlines() if line and not line.startswith("#"))
        address = urljoin(address, line)
    return statuses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--lines", type=int, default=1080)
    options = parser.parse_args()
    admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}"')
    admin_sql(f'CREATE DATABASE "{DATABASE}"')
    (WORK / "work").mkdir(parents=True)
    try:
        figures = run(options)
    finally:
        from django.db import connections

        connections.close_all()
        admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        shutil.rmtree(WORK, ignore_errors=True)
    print(json.dumps(figures))


def run(options) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from media_pipeline import samples, screeners, steps
    from media_pipeline.models import Film, Rendition, Screener
    from media_pipeline.services import complete_upload

    call_command("migrate", verbosity=0)
    contest, jury_round, entry, captain, juror = world()
    width = options.lines * 16 // 9 + options.lines * 16 // 9 % 2
    print(f"making a {options.minutes}-minute {width}x{options.lines} film...", flush=True)
    source = samples.make_film(
        WORK / "sans-voix.mp4",
        duration_s=options.minutes * 60,
        width=width,
        height=options.lines,
        fps=25,
        video_options={"preset": "veryfast", "crf": "20"},
    )
    opened, parts = upload(entry, captain, source)

    started, cpu = time.monotonic(), time.process_time()
    film = complete_upload(upload=opened, parts=parts, by=captain)
    # The worker's three tasks, in turn, as their messages would start them (the broker's delivery not counted).
    steps.run_check(film.pk)
    steps.run_transcode(film.pk)
    screeners.make(film.pk)
    statuses = playable(contest, jury_round, entry, juror)
    seconds, cpu_seconds = time.monotonic() - started, time.process_time() - cpu

    film = Film.objects.get(pk=film.pk)
    screener = Screener.objects.filter(film=film, marked=True).first()
    if screener is None or film.duration_s is None:
        return {
            "bench": "screener",
            "film": film.state,
            "problems": film.problems,
            "failure": film.failure,
            "screener": None,
            "ok": False,
        }
    minutes = film.duration_s / 60
    renditions = {kind: size for kind, size in Rendition.objects.filter(film=film).values_list("kind", "size")}
    per_minute = {name: round(size / MIB / minutes, 2) for name, size in renditions.items()}
    per_minute.update(original=round(film.size / MIB / minutes, 2), screener=round(screener.size / MIB / minutes, 2))
    figures = {
        "bench": "screener",
        "film": f"{width}x{options.lines} 25 fps, {round(film.duration_s, 1)} s, H.264 + AAC",
        "states": {"film": film.state, "screener": screener.state},
        "juror_requests": statuses,
        "rungs": [rung["lines"] for rung in screener.rungs],
        "seconds": {
            "upload_to_juror_playable": round(seconds, 1),
            "check": round(film.check_seconds or 0, 1),
            "transcode": round(film.transcode_seconds or 0, 1),
            "screener": round(screener.seconds or 0, 1),
        },
        "cpu_seconds": round(cpu_seconds, 1),
        "realtime_factor": round(seconds / film.duration_s, 3),
        "mb_per_minute": per_minute,
        "load_average": os.getloadavg()[0],
        "targets": {"realtime_factor": f"<= {TARGET_REALTIME_FACTOR}"},
    }
    figures["ok"] = (
        film.state == Film.State.READY
        and screener.state == Screener.State.READY
        and statuses == [302, 200, 200, 302]
        and figures["realtime_factor"] <= TARGET_REALTIME_FACTOR
    )
    return figures


if __name__ == "__main__":
    main()
