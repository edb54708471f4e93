"""A private Redis server and real Celery worker processes for the pipeline's integration tests.

The tests' own Redis (REDIS_URL) is shared with the rest of the suite, so the worker tests start their own
redis-server on a free port: they can stop it ("broker down at upload time") and purge it without touching anyone
else. Workers are `celery -A config worker` subprocesses talking to the test database and the test's storage."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt install redis-server)")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def _forget_connections() -> None:
    app.close()  # closes app.pool, if any
    app.amqp._producer_pool = None  # task.apply_async publishes through this one, which app.close() may keep


@contextmanager
def publishing_to(url: str):
    """Make this process's Celery app publish to `url` (the private broker) for the duration."""
    previous = app.conf.broker_url
    app.conf.broker_url = url
    _forget_connections()
    try:
        yield
    finally:
        _forget_connections()
        app.conf.broker_url = previous


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(broker_url: str, **extra) -> dict:
    """The environment of a worker that sees what the test sees: the test database, its storage, its broker."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("S3_", "PYTEST"))}
    env.update(
        DATABASE_URL=_database_url(),
        REDIS_URL=broker_url,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PYTHONUNBUFFERED="1",
    )
    if settings.S3_BUCKET:
        env.update(
            S3_BUCKET=settings.S3_BUCKET,
            S3_ENDPOINT_URL=settings.S3_ENDPOINT_URL,
            S3_PUBLIC_ENDPOINT_URL=settings.S3_PUBLIC_ENDPOINT_URL,
            S3_REGION=settings.S3_REGION,
            S3_ACCESS_KEY_ID=settings.S3_ACCESS_KEY_ID,
            S3_SECRET_ACCESS_KEY=settings.S3_SECRET_ACCESS_KEY,
        )
    env.update({key: str(value) for key, value in extra.items()})
    return env


class Worker:
    """`celery -A config worker` on the pipeline's queues, in its own process group (so SIGKILL takes it whole)."""

    def __init__(self, broker_url: str, log: Path, *, concurrency: int = 1, **env):
        self.broker_url = broker_url
        self.log = log
        self.concurrency = concurrency
        self.env = env
        self.process = None

    def start(self) -> "Worker":
        self.handle = open(self.log, "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                "checks,transcode,default",
                "-c",
                str(self.concurrency),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{free_port()}@%h",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=worker_env(self.broker_url, **self.env),
            stdout=self.handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if b"ready." in self.log.read_bytes():
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)
        raise RuntimeError(f"the worker did not start:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes, as a lost machine would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.handle.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if not self.handle.closed:
            self.handle.close()


def wait_for(predicate, *, timeout: float = 60, every: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
