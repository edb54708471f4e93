"""Bench: the production shape under load on this machine. Starts a moto S3 server, a fresh PostgreSQL database,
gunicorn (production settings, behind an HTTPS-terminating proxy as far as Django can tell) and a Celery worker on
Redis; seeds a contest with released winners and 100 jurors; then drives it with locust (headless) for a fixed time:

- announcement day: anonymous visitors on the public palmarès, film list, announcement and film pages;
- judging week: 100 jurors at once, each opening their queue and autosaving scores.

Prints requests/s, p50/p95/p99 and errors per phase, checks that every acknowledged autosave is in the database,
and, as its last line, one JSON object with the figures, the targets and "ok".

Settings (environment): BENCH_DATABASE_URL (dropped and created again; default .../palmares_bench), BENCH_REDIS_URL
(default redis://127.0.0.1:6379/15, flushed), BENCH_KEEP_DATABASE=1 (keep the seeded database afterwards), BENCH_SECONDS per phase (30), BENCH_PUBLIC_USERS (concurrent
visitors, 16), BENCH_JURORS (100), BENCH_JUROR_WAIT (seconds between a juror's actions, "1,3"), BENCH_WORKERS and BENCH_THREADS (gunicorn, 3 × 4)."""

import csv
import json
import logging
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from bench.lib.load_world import ENTRIES, RELEASED, seed  # noqa: E402 (after the path)

SECONDS = int(os.environ.get("BENCH_SECONDS", "30"))
PUBLIC_USERS = int(os.environ.get("BENCH_PUBLIC_USERS", "16"))
JURORS = int(os.environ.get("BENCH_JURORS", "100"))
JUROR_WAIT = os.environ.get("BENCH_JUROR_WAIT", "1,3")
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/palmares_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")

# Issue 8's targets on this 2-core machine.
TARGETS = {
    "public_rps_min": 300,
    "public_p95_ms_max": 100,
    "public_errors_max": 0,
    "autosave_p95_ms_max": 150,
    "jurors": 100,
    "lost_scores_max": 0,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def recreate_database(url: str) -> None:
    parsed = urlparse(url)
    args = ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", parsed.username or "postgres"]
    name = parsed.path.lstrip("/")
    subprocess.run(["dropdb", *args, "--if-exists", "--force", name], check=True)
    subprocess.run(["createdb", *args, name], check=True)


def drop_database(url: str) -> None:
    parsed = urlparse(url)
    args = ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", parsed.username or "postgres"]
    subprocess.run(["dropdb", *args, "--if-exists", "--force", parsed.path.lstrip("/")], check=False)


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
        try:
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 (127.0.0.1 only)
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def start_gunicorn(*, port: int, env: dict, logs, workers: int, threads: int) -> subprocess.Popen:
    """gunicorn serving the project on 127.0.0.1:`port` with `env` (production settings), its output in `logs`."""
    command = [
        str(BIN / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--timeout",
        "60",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=logs, stderr=subprocess.STDOUT)


def stop_all(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def run_locust(user_class: str, users: int, *, host: str, work: Path, env: dict) -> dict:
    prefix = work / user_class
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "users" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{SECONDS}s",
        "--reset-stats",
        "--stop-timeout",
        "10",
        "--host",
        host,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        user_class,
    ]
    with open(work / f"{user_class}.log", "w") as log:
        subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL, stderr=log)
    with open(f"{prefix}_failures.csv") as file:
        for row in list(csv.DictReader(file))[:3]:
            print(f"  failure ×{row['Occurrences']}: {row['Method']} {row['Name']}: {row['Error'][:300]}")
    with open(f"{prefix}_stats.csv") as file:
        return {row["Name"]: row for row in csv.DictReader(file)}


def figures(row: dict) -> dict:
    requests = int(row["Request Count"])
    errors = int(row["Failure Count"])
    return {
        "requests": requests,
        "errors": errors,
        "error_rate": round(errors / requests, 4) if requests else None,
        "rps": round(float(row["Requests/s"]), 1),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
    }


def show(title: str, stats: dict) -> None:
    print(f"{title}:")
    for name, row in stats.items():
        f = figures(row)
        label = "all" if name == "Aggregated" else name
        print(
            f"  {label:<15} {f['requests']:>7} requests {f['rps']:>7.1f} req/s  p50 {f['p50_ms']:>5.0f} ms  "
            f"p95 {f['p95_ms']:>5.0f} ms  p99 {f['p99_ms']:>5.0f} ms  errors {f['errors']} ({(f['error_rate'] or 0):.2%})"
        )


def lost_scores(acks_path: Path, round_id: int) -> tuple[int, int]:
    """(acknowledged (juror, entry, criterion) values checked, how many the database does not hold)."""
    from judging.models import Score

    if not acks_path.exists():
        return 0, 0
    acked = json.loads(acks_path.read_text())
    stored = {
        f"{email}|{code}|{criterion}": int(value)
        for email, code, criterion, value in Score.objects.filter(assignment__round_id=round_id).values_list(
            "assignment__juror__email", "assignment__entry__code", "criterion_id", "value"
        )
    }
    lost = sum(1 for key, (_sequence, value) in acked.items() if stored.get(key) != value)
    return len(acked), lost


def main() -> None:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    moto.start()
    moto_url = f"http://127.0.0.1:{moto._server.server_port}"
    port = free_port()
    env = {
        **os.environ,
        "PALMARES_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "S3_BUCKET": "palmares-bench",
        "S3_ENDPOINT_URL": moto_url,
        "S3_ACCESS_KEY_ID": "bench",
        "S3_SECRET_ACCESS_KEY": "bench",
        "PALMARES_RUN_DIR": str(work / "run"),
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",  # no mail leaves the bench
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    os.environ.update(env)
    processes: list[subprocess.Popen] = []
    result = {"ok": False, "error": "the bench stopped before measuring", "targets": TARGETS}
    try:
        import boto3
        import redis

        boto3.client(
            "s3",
            endpoint_url=moto_url,
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
            region_name="us-east-1",
        ).create_bucket(Bucket="palmares-bench")
        redis.Redis.from_url(REDIS_URL).flushdb()
        recreate_database(DATABASE_URL)
        import django
        from django.core.management import call_command

        django.setup()
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        migrated = time.monotonic()
        # The same manifest (hashed names) that production's WhiteNoise storage reads, without its gzip/brotli copies,
        # which take a minute and a half to make here and serve only static files, which the bench does not load.
        from django.conf import settings
        from django.test.utils import override_settings

        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
        }
        with override_settings(STORAGES=storages):
            call_command("collectstatic", "--noinput", verbosity=0)
        collected = time.monotonic()
        scenario = seed(f"https://127.0.0.1:{port}", juror_count=JURORS)
        from django.db import connections

        connections.close_all()
        print(
            f"migrate {migrated - started:.0f} s, collectstatic {collected - migrated:.0f} s, seeded {ENTRIES} entries, "
            f"{RELEASED} public releases, {JURORS} jurors in {time.monotonic() - collected:.0f} s"
        )
        (work / "scenario.json").write_text(json.dumps(scenario))
        logs = (work / "servers.log").open("w")  # noqa: SIM115 (open while the servers run)
        processes.append(start_gunicorn(port=port, env=env, logs=logs, workers=WORKERS, threads=THREADS))
        processes.append(
            subprocess.Popen(
                [
                    str(BIN / "celery"),
                    "-A",
                    "config",
                    "worker",
                    "-Q",
                    "default,checks,transcode",
                    "--concurrency",
                    "1",
                    "--loglevel",
                    "WARNING",
                    "-n",
                    f"bench-{port}@%h",
                ],
                cwd=ROOT,
                env=env,
                stdout=logs,
                stderr=subprocess.STDOUT,
            )
        )
        host = f"http://127.0.0.1:{port}"
        wait_until_up(f"{host}/healthz", processes[0])
        locust_env = {
            **env,
            "BENCH_JUROR_WAIT": JUROR_WAIT,
            "BENCH_SCENARIO": str(work / "scenario.json"),
            "BENCH_ACKS": str(work / "acks.json"),
        }
        print(
            f"gunicorn {WORKERS} workers × {THREADS} threads, celery worker, PostgreSQL, Redis, moto; {SECONDS} s per phase"
        )

        load_before = os.getloadavg()[0]
        print(f"load average before the phases: {load_before:.2f} on {os.cpu_count()} cores")
        public = run_locust("PublicVisitor", PUBLIC_USERS, host=host, work=work, env=locust_env)
        show(f"announcement day ({PUBLIC_USERS} concurrent visitors, no think time)", public)
        judging = run_locust("Juror", JURORS, host=host, work=work, env=locust_env)
        show(f"judging week ({JURORS} jurors, {JUROR_WAIT.replace(',', '–')} s between actions)", judging)
        checked, lost = lost_scores(work / "acks.json", scenario["round"])
        print(f"acknowledged autosave values checked in the database: {checked}, lost: {lost}")

        result = {
            "public": figures(public["Aggregated"]),
            "judging": figures(judging["Aggregated"]),
            "autosave": figures(judging["score autosave"]) if "score autosave" in judging else None,
            "juror_queue": figures(judging["juror queue"]) if "juror queue" in judging else None,
            "public_users": PUBLIC_USERS,
            "jurors": JURORS,
            "juror_wait_s": JUROR_WAIT,
            "seconds": SECONDS,
            "scores_checked": checked,
            "lost_scores": lost,
            "gunicorn": f"{WORKERS}x{THREADS}",
            "cores": os.cpu_count(),
            # Other work on the machine changes every figure: the 1-minute load average when the bench started.
            "load_average_before": round(load_before, 2),
            "targets": TARGETS,
        }
        autosave = result["autosave"] or {"p95_ms": float("inf"), "requests": 0}
        result["ok"] = bool(
            result["public"]["rps"] >= TARGETS["public_rps_min"]
            and result["public"]["p95_ms"] < TARGETS["public_p95_ms_max"]
            and result["public"]["errors"] <= TARGETS["public_errors_max"]
            and autosave["requests"] > 0
            and autosave["p95_ms"] < TARGETS["autosave_p95_ms_max"]
            and TARGETS["jurors"] <= JURORS
            and checked > 0
            and lost <= TARGETS["lost_scores_max"]
        )
    except Exception as error:  # the last line stays one JSON object, saying what went wrong
        result["error"] = f"{type(error).__name__}: {error}"
        print(f"bench failed: {result['error']}", file=sys.stderr)
    finally:
        stop_all(processes)
        moto.stop()
        if not os.environ.get("BENCH_KEEP_DATABASE"):
            drop_database(DATABASE_URL)
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
