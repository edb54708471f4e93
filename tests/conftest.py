"""Shared fixtures. Real PostgreSQL and Redis (from DATABASE_URL / REDIS_URL, see the Makefile); under CI=true a
missing service or browser stops the run as a failure instead of skipping."""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop in-thread
# moto answers CORS only as each bucket's CORS rules say (set by configure_bucket), like real S3.
os.environ.setdefault("MOTO_DISABLE_GLOBAL_CORS", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def pytest_configure(config):
    if not IN_CI:
        return
    problems = []
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        problems.append("DATABASE_URL must point at PostgreSQL under CI")
    elif not _reachable(database_url, 5432):
        problems.append(f"PostgreSQL is not reachable at {database_url}")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url or not _reachable(redis_url, 6379):
        problems.append(f"Redis is not reachable at {redis_url or '(REDIS_URL unset)'}")
    if not shutil.which(CHROMIUM):
        problems.append(f"Chromium is missing at {CHROMIUM}")
    if problems:
        raise pytest.UsageError("CI=true and a required service is missing: " + "; ".join(problems))


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Each test writes files to its own folder in local-storage mode."""
    if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path / "media")}},
        }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Under `make test` the cache is the real Redis: start each test without what earlier tests cached (e.g. the
    time zone contest.middleware keeps per slug, while factory slugs come back in every test)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    if not shutil.which(CHROMIUM):
        if IN_CI:
            pytest.fail(f"Chromium is missing at {CHROMIUM} (apt install chromium)")
        pytest.skip(f"Chromium is missing at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(locale="en-GB", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Playwright intercepts file choosers only while something listens for them, and switches that on and off by a
    # message it does not wait for: `expect_file_chooser` alone races the key press that opens the chooser (an
    # uncaught chooser is cancelled by headless Chromium and the test waits for nothing). Listening from the start
    # keeps the interception on, set before the first navigation, for the whole test.
    page.on("filechooser", lambda chooser: None)
    yield page
    context.close()


@pytest.fixture
def login(live_server):
    """Log a Playwright page in through the real form."""

    def log_in(page, email, password="palmares-test-password"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", email)
        page.fill("input[name=password]", password)
        page.click("main form button[type=submit]")
        page.wait_for_load_state("networkidle")

    return log_in


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _hash_moto_objects_under_their_lock():
    """moto (5.2) hashes a stored object or part on the first request that asks for its ETag, by seeking and reading
    its buffer outside the lock its other reads hold. Two requests asking at once (an UploadPart's answer and a
    ListParts, as a resumed upload makes) can hash a misread buffer and keep that wrong ETag, from which
    CompleteMultipartUpload then computes the object's: right bytes, wrong checksum, one upload test in twenty.
    Real S3 fixes an ETag when it stores the bytes; here the hashing takes the object's lock."""
    from moto.s3.models import FakeKey

    unlocked = FakeKey.etag.fget
    if getattr(unlocked, "under_lock", False):
        return

    def etag(key):
        with key.lock:
            return unlocked(key)

    etag.under_lock = True
    FakeKey.etag = property(etag)


@pytest.fixture(scope="session")
def moto_server():
    """A moto S3 server on 127.0.0.1 (the real HTTP S3 API), started once per test session. Yields its URL."""
    from moto.server import ThreadedMotoServer

    _hash_moto_objects_under_their_lock()
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(settings, moto_server):
    """Settings switched to S3 mode against the moto server, with a fresh bucket. Yields a boto3 client."""
    import uuid

    import boto3

    bucket = f"palmares-test-{uuid.uuid4().hex[:12]}"
    settings.S3_BUCKET = bucket
    settings.S3_ENDPOINT_URL = settings.S3_PUBLIC_ENDPOINT_URL = moto_server
    settings.S3_REGION = "us-east-1"
    settings.S3_ACCESS_KEY_ID = "testing"
    settings.S3_SECRET_ACCESS_KEY = "testing"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": moto_server,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
                "addressing_style": "path",
                "signature_version": "s3v4",
            },
        },
    }
    client = boto3.client(
        "s3",
        endpoint_url=moto_server,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=bucket)
    yield client
