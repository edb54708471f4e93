"""Bench: a 1 GB film uploaded through the project's contract (a Django server process signs each part, the client
PUTs the parts straight to a moto S3 server on 127.0.0.1) against plain boto3 multipart to the same endpoint, with
the same part size and concurrency. Reports both throughputs, their ratio and the Django process's RSS growth.
Also, as a third figure, local mode (no S3: the parts stream through Django to disk).
Last line: one JSON object with figures, targets and "ok".

    .venv/bin/python bench/upload.py [--size-mb 1024] [--rounds 2]
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import requests
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MIB = 1024 * 1024
PART_SIZE = 8 * MIB
CONCURRENCY = 4  # as static/js/upload.js (Uppy's `limit`)
SIGN_AHEAD = 8  # as static/js/upload.js
SIGN_LOOKAHEAD = 4  # as static/js/upload.js
TARGET_RATIO = 0.9
TARGET_RSS_GROWTH_MB = 50
CSRF = "b" * 32
KEYS = {"S3_ACCESS_KEY_ID": "bench", "S3_SECRET_ACCESS_KEY": "bench-secret", "S3_REGION": "us-east-1"}

SETUP = """
from datetime import timedelta
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from accounts.models import User
from contest.models import Contest, Entry, Institution, Team, TeamMember
user = User.objects.create_user(email="bench@example.org", password="bench-password-123")
contest = Contest.objects.create(slug="bench", title_fr="Banc", opens_at=timezone.now() - timedelta(days=1),
    closes_at=timezone.now() + timedelta(days=1), max_file_size_bytes=8 * 1024**3)
team = Team.objects.create(contest=contest, name="Bench", institution=Institution.objects.create(name="Bench"))
TeamMember.objects.create(team=team, user=user, role="captain")
entry = Entry.objects.create(contest=contest, team=team, title="Bench")
session = SessionStore()
session.update({"_auth_user_id": str(user.pk), "_auth_user_backend": "accounts.backends.EmailBackend",
    "_auth_user_hash": user.get_session_auth_hash()})
session.create()
print("BENCH", entry.public_id, session.session_key)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port}")


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class RssWatch:
    """Samples a process's resident memory every 20 ms; `peak_growth_mb` is above the baseline taken at start."""

    def __init__(self, pid: int):
        self.pid, self.baseline, self.peak, self._stop = pid, rss_kb(pid), 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_kb(self.pid))
            time.sleep(0.02)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_kb(self.pid))
        return round((self.peak - self.baseline) / 1024, 1)


class DjangoServer:
    def __init__(self, workdir: Path, env: dict):
        workdir.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, **env, "PALMARES_RUN_DIR": str(workdir), "DEBUG": "false"}
        self.env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        self.env["MEDIA_ROOT"] = str(workdir / "media")
        self.env.pop("REDIS_URL", None)
        self.port = free_port()
        self.env["ALLOWED_HOSTS"] = "127.0.0.1"
        manage = [PYTHON, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=self.env, check=True, cwd=ROOT)
        setup = subprocess.run([*manage, "shell", "-c", SETUP], env=self.env, check=True, cwd=ROOT, capture_output=True)
        line = next(line for line in setup.stdout.decode().splitlines() if line.startswith("BENCH "))
        _, self.entry, session_key = line.split()
        self.process = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{self.port}", "--noreload", "--skip-checks"],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        self.http = requests.Session()
        self.http.cookies.set("sessionid", session_key)
        self.http.cookies.set("csrftoken", CSRF)
        self.http.headers["X-CSRFToken"] = CSRF
        self.base = f"http://127.0.0.1:{self.port}/c/bench/team/entries/{self.entry}/uploads/"
        self.http.get(self.base + "00000000-0000-0000-0000-000000000000/parts/")  # warm up: imports, first request

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def read_part(path: Path, number: int, part_size: int) -> bytes:
    with open(path, "rb") as source:
        source.seek((number - 1) * part_size)
        return source.read(part_size)


def upload_through_contract(server: DjangoServer, path: Path) -> tuple[float, dict, str]:
    size = path.stat().st_size
    started = time.perf_counter()
    created = server.http.post(server.base, json={"filename": "bench.mp4", "type": "video/mp4", "size": size})
    created.raise_for_status()
    upload = created.json()
    assert upload["partSize"] == PART_SIZE, upload
    put_session = threading.local()
    sign_seconds = []
    part_count = upload["partCount"]
    signer = ThreadPoolExecutor(1)  # as the browser: signing requests run beside the part PUTs
    pending, requested, lock = {}, set(), threading.Lock()

    def sign(numbers: list[int]) -> dict[int, str]:
        before = time.perf_counter()
        response = server.http.post(f"{server.base}{upload['uploadId']}/parts/sign/", json={"partNumbers": numbers})
        response.raise_for_status()
        sign_seconds.append(time.perf_counter() - before)
        return {int(n): url for n, url in response.json()["urls"].items()}

    def request_batch(first: int) -> None:
        numbers = [n for n in range(first, part_count + 1) if n not in requested][:SIGN_AHEAD]
        if numbers:
            future = signer.submit(sign, numbers)
            requested.update(numbers)
            pending.update(dict.fromkeys(numbers, future))

    def url_for(number: int) -> str:
        # As static/js/upload.js: batches of SIGN_AHEAD, asked for SIGN_LOOKAHEAD parts ahead of need.
        with lock:
            if number not in pending:
                request_batch(number)
            future = pending.pop(number)
            if min(part_count, number + SIGN_LOOKAHEAD) not in requested:
                request_batch(number + 1)
        return future.result()[number]

    def send(number: int) -> dict:
        url = url_for(number)
        if not hasattr(put_session, "http"):
            put_session.http = requests.Session()  # no cookie: the signed URL alone authorises the PUT
        response = put_session.http.put(url, data=read_part(path, number, PART_SIZE), timeout=120)
        response.raise_for_status()
        return {"PartNumber": number, "ETag": response.headers["ETag"]}

    with ThreadPoolExecutor(CONCURRENCY) as pool:
        parts = list(pool.map(send, range(1, part_count + 1)))
    signer.shutdown()
    parts_done = time.perf_counter()
    completed = server.http.post(f"{server.base}{upload['uploadId']}/complete/", json={"parts": parts})
    completed.raise_for_status()
    elapsed = time.perf_counter() - started
    film = completed.json()["film"]
    assert film["size"] == size, film
    print(
        f"  contract: parts {parts_done - started:.1f} s, complete {started + elapsed - parts_done:.1f} s; signing: "
        f"{len(sign_seconds)} requests, {sum(sign_seconds):.2f} s in all, max {max(sign_seconds):.3f} s"
    )
    return elapsed, film, upload["key"]


def upload_with_boto3(client, bucket: str, path: Path) -> tuple[float, str]:
    size = path.stat().st_size
    key = "plain/bench.mp4"
    started = time.perf_counter()
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]

    def send(number: int) -> dict:
        body = read_part(path, number, PART_SIZE)
        etag = client.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body)["ETag"]
        return {"PartNumber": number, "ETag": etag}

    with ThreadPoolExecutor(CONCURRENCY) as pool:
        parts = list(pool.map(send, range(1, -(-size // PART_SIZE) + 1)))
    parts_done = time.perf_counter()
    client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
    elapsed = time.perf_counter() - started
    print(f"  boto3: parts {parts_done - started:.1f} s, complete {started + elapsed - parts_done:.1f} s")
    head = client.head_object(Bucket=bucket, Key=key)
    assert head["ContentLength"] == size
    client.delete_object(Bucket=bucket, Key=key)
    return elapsed, head["ETag"].strip('"')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    size = args.size_mb * MIB
    workdir = Path(tempfile.mkdtemp(prefix="palmares-bench-upload-"))
    moto = server = local = None
    try:
        path = workdir / "film.bin"
        with open(path, "wb") as out:
            for _ in range(size // (64 * MIB)):
                out.write(os.urandom(64 * MIB))
            out.write(os.urandom(size % (64 * MIB)))
        moto_port = free_port()
        moto = subprocess.Popen(
            [str(Path(PYTHON).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(moto_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(moto_port)
        endpoint = f"http://127.0.0.1:{moto_port}"
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="bench",
            aws_secret_access_key="bench-secret",
            # no CRC checksums computed on the client: browsers send none either, so the baseline is the leanest
            config=Config(request_checksum_calculation="when_required"),
        )
        client.create_bucket(Bucket="bench")
        server = DjangoServer(
            workdir / "s3",
            {**KEYS, "S3_BUCKET": "bench", "S3_ENDPOINT_URL": endpoint, "S3_PUBLIC_ENDPOINT_URL": endpoint},
        )
        print(
            f"file: {size / MIB:.0f} MiB, parts of {PART_SIZE // MIB} MiB, {CONCURRENCY} at a time; moto at {endpoint}"
        )

        contract_times, boto3_times, rss_growth = [], [], []
        for round_number in range(1, args.rounds + 1):
            if round_number % 2 == 0:  # alternate who goes first: moto warms up too
                boto3_elapsed, boto3_etag = upload_with_boto3(client, "bench", path)
            watch = RssWatch(server.process.pid)
            elapsed, film, key = upload_through_contract(server, path)
            rss_growth.append(watch.stop())
            client.delete_object(Bucket="bench", Key=key)
            contract_times.append(elapsed)
            if round_number % 2 == 1:
                boto3_elapsed, boto3_etag = upload_with_boto3(client, "bench", path)
            boto3_times.append(boto3_elapsed)
            assert boto3_etag == film["checksum"], (boto3_etag, film["checksum"])
            print(
                f"round {round_number}: contract {size / MIB / elapsed:.0f} MiB/s ({elapsed:.1f} s), "
                f"boto3 {size / MIB / boto3_elapsed:.0f} MiB/s ({boto3_elapsed:.1f} s), "
                f"Django RSS growth {rss_growth[-1]} MB"
            )

        local = DjangoServer(workdir / "local", {"S3_BUCKET": ""})
        watch = RssWatch(local.process.pid)
        local_elapsed, local_film, local_key = upload_through_contract(local, path)
        local_rss = watch.stop()
        assert local_film["checksum"] == film["checksum"]
        assert (workdir / "local" / "media" / local_key).stat().st_size == size
        print(
            f"local mode (parts through Django to disk): {size / MIB / local_elapsed:.0f} MiB/s, "
            f"Django RSS growth {local_rss} MB"
        )

        contract_mibs = size / MIB / min(contract_times)
        boto3_mibs = size / MIB / min(boto3_times)
        ratio = round(contract_mibs / boto3_mibs, 3)
        peak_growth = max(rss_growth)
        print(f"contract {contract_mibs:.0f} MiB/s, plain boto3 {boto3_mibs:.0f} MiB/s, ratio {ratio}")
        print(f"Django peak RSS growth during the S3-mode uploads: {peak_growth} MB; in local mode: {local_rss} MB")
        result = {
            "bench": "upload",
            "size_bytes": size,
            "part_size_bytes": PART_SIZE,
            "concurrency": CONCURRENCY,
            "rounds": args.rounds,
            "contract_mib_s": round(contract_mibs, 1),
            "boto3_mib_s": round(boto3_mibs, 1),
            "ratio": ratio,
            "django_peak_rss_growth_mb": peak_growth,
            "local_mode_mib_s": round(size / MIB / local_elapsed, 1),
            "local_mode_django_peak_rss_growth_mb": local_rss,
            "targets": {"ratio": TARGET_RATIO, "django_peak_rss_growth_mb": TARGET_RSS_GROWTH_MB},
            "ok": ratio >= TARGET_RATIO and peak_growth < TARGET_RSS_GROWTH_MB and local_rss < TARGET_RSS_GROWTH_MB,
        }
    finally:
        for process in (server, local):
            if process is not None:
                process.stop()
        if moto is not None:
            moto.terminate()
            moto.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
