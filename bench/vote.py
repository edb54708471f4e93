"""Bench: the audience vote in the production shape on this machine (issue 16). Starts a moto S3 server, a fresh
PostgreSQL database, Redis and gunicorn (production settings, behind an HTTPS-terminating proxy as far as Django can
tell), and a small SMTP server of its own that receives the verification mails. Then BENCH_VOTERS voters (2,000)
each open the vote's page, ask for a link, open it from their mail and confirm, and vote: the verifications spread
over the run, the votes too, with three peaks of BENCH_PEAK votes a second (20) for 15 s; one voter in ten changes
their vote. Every request counts: its latency, and any answer but the expected one is an error.

At the end, every acknowledged vote is checked against the database: one ballot per voter who had a vote
acknowledged, for the film of their last acknowledged vote, and the count equal to the number of those voters.

Settings (environment): BENCH_DATABASE_URL (dropped and created again; default .../palmares_bench_vote),
BENCH_REDIS_URL (default redis://127.0.0.1:6379/14, flushed), BENCH_VOTERS (2000), BENCH_VOTE_SECONDS (600: the
run's length), BENCH_PEAK (20 votes/s), BENCH_CLIENTS (concurrent connections of the load generator, 48),
BENCH_WORKERS and BENCH_THREADS (gunicorn, 3 × 4). Last line: one JSON object with the figures, targets and "ok"."""

import email
import heapq
import json
import os
import random
import re
import secrets
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import (  # noqa: E402 (after the path)
    drop_database,
    free_port,
    recreate_database,
    start_gunicorn,
    stop_all,
    wait_until_up,
)

VOTERS = int(os.environ.get("BENCH_VOTERS", "2000"))
SECONDS = float(os.environ.get("BENCH_VOTE_SECONDS", "600"))
PEAK = int(os.environ.get("BENCH_PEAK", "20"))
PEAK_SECONDS = 15
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "48"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/palmares_bench_vote")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
FILMS = 12

TARGETS = {"voters": 2000, "within_s": 600, "peak_votes_per_s": 20, "p95_ms_max": 200, "errors_max": 0, "lost_max": 0}
LINK = re.compile(rb"https?://[^/\s]+(/c/[^\s]+/vote/confirm/[^\s/]+/)")


class Mailbox:
    """What the SMTP server received: the verification link mailed to each address."""

    def __init__(self):
        self.links: dict[str, str] = {}
        self.ready = threading.Condition()

    def deliver(self, recipients: list[str], data: bytes) -> None:
        message = email.message_from_bytes(data)
        body = message.get_payload(decode=True) or b""
        found = LINK.search(body)
        with self.ready:
            for address in recipients:
                if found:
                    self.links[address.lower()] = found.group(1).decode()
            self.ready.notify_all()

    def link_for(self, address: str, timeout: float = 30) -> str:
        with self.ready:
            if not self.ready.wait_for(lambda: address in self.links, timeout=timeout):
                raise TimeoutError(f"no mail for {address} within {timeout} s")
            return self.links.pop(address)


def smtp_server(mailbox: Mailbox) -> socketserver.ThreadingTCPServer:
    """Just enough SMTP (RFC 5321) for Django's SMTP backend: HELO/EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    class Session(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")

        def handle(self):
            self.reply("220 bench ESMTP")
            recipients: list[str] = []
            while line := self.rfile.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    self.reply("250 bench")
                elif verb == b"MAIL":
                    recipients = []
                    self.reply("250 OK")
                elif verb == b"RCPT":
                    recipients.append(line.split(b":", 1)[1].strip().strip(b"<>").decode())
                    self.reply("250 OK")
                elif verb == b"DATA":
                    self.reply("354 go on")
                    lines = []
                    while (part := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                        lines.append(part[1:] if part.startswith(b"..") else part)
                    mailbox.deliver(recipients, b"".join(lines))
                    self.reply("250 OK")
                elif verb == b"QUIT":
                    self.reply("221 bye")
                    return
                else:  # RSET, NOOP
                    self.reply("250 OK")

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Session)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def seed(origin: str) -> dict:
    """A contest whose FILMS submitted films are public, and an audience vote open to anyone for the whole run."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import User
    from audience.models import AudienceVote
    from contest.models import Contest, Entry, Institution, Prize, Team
    from releases.models import Release, ReleaseStep, Target

    now = timezone.now()
    contest = Contest.objects.create(
        slug="vote-bench", title_fr="Banc du vote", opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=5)
    )
    institution = Institution.objects.create(name="Lycée du banc", email_domains="banc.example")
    organiser = User.objects.create_user(email="organiser@banc.example", password=secrets.token_urlsafe(16))
    films = []
    for n in range(FILMS):
        team = Team.objects.create(contest=contest, name=f"Équipe {n}", institution=institution)
        entry = Entry.objects.create(
            contest=contest, team=team, title=f"Film {n}", status=Entry.Status.SUBMITTED, film_accepted=True
        )
        release = Release.objects.create(contest=contest, entry=entry, created_by=organiser)
        for target in (Target.ANNOUNCEMENT, Target.FILM):
            ReleaseStep.objects.create(
                release=release, target=target, at=now - timedelta(days=1), to_public=True, approved_at=now
            )
        films.append(str(entry.public_id))
    prize = Prize.objects.create(contest=contest, name_fr="Prix du public")
    vote = AudienceVote.objects.create(
        contest=contest,
        prize=prize,
        electorate=AudienceVote.Electorate.ANYONE,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(hours=6),
    )
    return {"origin": origin, "vote": f"/c/{contest.slug}/vote/{vote.pk}/", "vote_id": vote.pk, "films": films}


class Voter:
    """One person at one browser: the cookies the server set, sent back by hand (they are Secure, over a
    connection that the proxy made HTTPS)."""

    def __init__(self, number: int, scenario: dict, mailbox: Mailbox, record):
        import requests

        self.http = requests.Session()
        self.address = f"voter{number}@mail{number % 40}.example"
        self.ip = f"10.{number % 7}.{(number // 7) % 50}.{number % 250 + 1}"  # some households share a network
        self.cookies: dict[str, str] = {}
        self.scenario, self.mailbox, self.record = scenario, mailbox, record
        self.acked: str | None = None

    def _send(self, method: str, path: str, kind: str, expected: int, data=None) -> str:
        import requests

        origin = self.scenario["origin"]
        headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.ip,
            "Referer": origin + path,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        started = time.perf_counter()
        try:
            response = self.http.request(
                method,
                "http://" + origin.split("://", 1)[1] + path,
                headers=headers,
                data=data,
                allow_redirects=False,
                timeout=30,
            )
        except requests.RequestException as error:
            self.record(kind, (time.perf_counter() - started) * 1000, f"{type(error).__name__}")
            raise
        self.record(
            kind,
            (time.perf_counter() - started) * 1000,
            None if response.status_code == expected else response.status_code,
        )
        self.cookies.update({cookie.name: cookie.value for cookie in response.cookies})
        if response.status_code != expected:
            raise RuntimeError(f"{kind}: {response.status_code}")
        return response.text

    def _token(self, page: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def verify(self) -> None:
        vote = self.scenario["vote"]
        page = self._send("GET", vote, "vote page", 200)
        self._send(
            "POST",
            f"{vote}verify/",
            "ask for a link",
            200,
            {"csrfmiddlewaretoken": self._token(page), "address": self.address},
        )
        link = self.mailbox.link_for(self.address)
        confirm = self._send("GET", link, "link opened", 200)
        self._send("POST", link, "link confirmed", 302, {"csrfmiddlewaretoken": self._token(confirm)})

    def vote(self, film: str) -> None:
        vote = self.scenario["vote"]
        page = self._send("GET", vote, "vote page", 200)
        self._send("POST", f"{vote}ballot/", "vote", 302, {"csrfmiddlewaretoken": self._token(page), "entry": film})
        self.acked = film


def schedule(rng: random.Random) -> list[tuple[float, int, str]]:
    """(second, voter, "verify" | "vote" | "change"): votes spread over the run with three peaks of PEAK a second."""
    peaks = [SECONDS * fraction for fraction in (0.3, 0.6, 0.9)]
    in_peaks = min(VOTERS, PEAK * PEAK_SECONDS * len(peaks))
    times = [peak + index / PEAK for peak in peaks for index in range(PEAK * PEAK_SECONDS)][:in_peaks]
    times += [rng.uniform(45, SECONDS - 5) for _ in range(VOTERS - in_peaks)]
    rng.shuffle(times)
    events = []
    for voter, at in enumerate(times):
        events.append((rng.uniform(0, max(1.0, at - 30)), voter, "verify"))
        events.append((at, voter, "vote"))
        if rng.random() < 0.1 and at + 20 < SECONDS:
            events.append((at + 20, voter, "change"))
    return sorted(events)


def check_counts(scenario: dict, voters: list[Voter]) -> dict:
    """Every acknowledged vote in the database once, for the film last acknowledged."""
    from audience.addresses import address_hash
    from audience.models import AudienceBallot

    stored = {
        voter_hash: str(entry)
        for voter_hash, entry in AudienceBallot.objects.filter(vote_id=scenario["vote_id"]).values_list(
            "voter__address_hash", "entry__public_id"
        )
    }
    acked = {address_hash(voter.address): voter.acked for voter in voters if voter.acked}
    lost = sum(1 for key, film in acked.items() if stored.get(key) != film)
    extra = len(set(stored) - set(acked))
    return {"acknowledged": len(acked), "ballots": len(stored), "lost": lost, "unexpected": extra}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 1) if ordered else float("inf")


def main() -> None:
    from moto.server import ThreadedMotoServer

    work = Path(tempfile.mkdtemp(prefix="bench-vote-"))
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    moto.start()
    mailbox = Mailbox()
    smtp = smtp_server(mailbox)
    port = free_port()
    env = {
        **os.environ,
        "PALMARES_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "AUDIENCE_ADDRESS_PEPPER": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "S3_BUCKET": "palmares-bench",
        "S3_ENDPOINT_URL": f"http://127.0.0.1:{moto._server.server_port}",
        "S3_ACCESS_KEY_ID": "bench",
        "S3_SECRET_ACCESS_KEY": "bench",
        "PALMARES_RUN_DIR": str(work / "run"),
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.server_address[1]),
        "AXES_IPWARE_PROXY_COUNT": "1",  # the proxy in front of gunicorn says who the voter is (X-Forwarded-For)
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
            endpoint_url=env["S3_ENDPOINT_URL"],
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
            region_name="us-east-1",
        ).create_bucket(Bucket="palmares-bench")
        redis.Redis.from_url(REDIS_URL).flushdb()
        recreate_database(DATABASE_URL)
        import django
        from django.conf import settings
        from django.core.management import call_command
        from django.test.utils import override_settings

        django.setup()
        call_command("migrate", verbosity=0)
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
        }
        with override_settings(STORAGES=storages):
            call_command("collectstatic", "--noinput", verbosity=0)
        scenario = seed(f"https://127.0.0.1:{port}")
        from django.db import connections

        connections.close_all()
        logs = (work / "servers.log").open("w")  # noqa: SIM115 (open while the servers run)
        processes.append(start_gunicorn(port=port, env=env, logs=logs, workers=WORKERS, threads=THREADS))
        wait_until_up(f"http://127.0.0.1:{port}/healthz", processes[0])
        load_before = os.getloadavg()[0]
        print(f"gunicorn {WORKERS} × {THREADS}, PostgreSQL, Redis, moto, SMTP; load average {load_before:.2f}")

        lock = threading.Lock()
        latencies: dict[str, list[float]] = {}
        errors: dict[str, int] = {}
        votes_at: list[float] = []
        started = time.monotonic()

        def record(kind: str, milliseconds: float, error) -> None:
            with lock:
                latencies.setdefault(kind, []).append(milliseconds)
                if error is not None:
                    errors[f"{kind}: {error}"] = errors.get(f"{kind}: {error}", 0) + 1
                elif kind == "vote":
                    votes_at.append(time.monotonic() - started)

        rng = random.Random(16)
        voters = [Voter(number, scenario, mailbox, record) for number in range(VOTERS)]
        verified = [threading.Event() for _ in voters]
        events = schedule(rng)
        heapq.heapify(events)

        def run(voter: int, what: str) -> None:
            person = voters[voter]
            try:
                if what == "verify":
                    person.verify()
                    verified[voter].set()
                    return
                if not verified[voter].wait(timeout=120):
                    return
                films = scenario["films"]
                person.vote(films[(voter * 7 + (what == "change")) % len(films)])
            except (RuntimeError, TimeoutError, AttributeError, OSError):
                pass  # recorded as an error where it happened (or a missing page or mail)

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            while events:
                at, voter, what = heapq.heappop(events)
                delay = started + at - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(run, voter, what)
        elapsed = time.monotonic() - started
        connections.close_all()
        counts = check_counts(scenario, voters)
        every = [value for values in latencies.values() for value in values]
        per_second: dict[int, int] = {}
        for moment in votes_at:
            per_second[int(moment)] = per_second.get(int(moment), 0) + 1
        kinds = {
            kind: {"requests": len(values), "p50_ms": percentile(values, 0.5), "p95_ms": percentile(values, 0.95)}
            for kind, values in sorted(latencies.items())
        }
        for kind, figures in kinds.items():
            print(
                f"  {kind:<15} {figures['requests']:>6} requests  p50 {figures['p50_ms']:>6} ms  p95 {figures['p95_ms']:>6} ms"
            )
        print(f"errors: {errors or 'none'}; counts: {counts}")
        result = {
            "voters": VOTERS,
            "seconds": round(elapsed, 1),
            "requests": len(every),
            "p50_ms": percentile(every, 0.5),
            "p95_ms": percentile(every, 0.95),
            "kinds": kinds,
            "errors": sum(errors.values()),
            "error_kinds": errors,
            "busiest_second_votes": max(per_second.values(), default=0),
            **counts,
            "gunicorn": f"{WORKERS}x{THREADS}",
            "cores": os.cpu_count(),
            "load_average_before": round(load_before, 2),
            "targets": TARGETS,
        }
        result["ok"] = bool(
            TARGETS["voters"] <= VOTERS
            and elapsed <= TARGETS["within_s"] + 30
            and result["busiest_second_votes"] >= TARGETS["peak_votes_per_s"]
            and result["p95_ms"] < TARGETS["p95_ms_max"]
            and result["errors"] <= TARGETS["errors_max"]
            and counts["acknowledged"] == VOTERS
            and counts["lost"] <= TARGETS["lost_max"]
            and counts["unexpected"] == 0
        )
    except Exception as error:  # the last line stays one JSON object, saying what went wrong
        result["error"] = f"{type(error).__name__}: {error}"
        print(f"bench failed: {result['error']}", file=sys.stderr)
    finally:
        stop_all(processes)
        smtp.shutdown()
        moto.stop()
        drop_database(DATABASE_URL)
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
