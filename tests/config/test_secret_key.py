"""`make run` without SECRET_KEY signs with a key of its own checkout, never with one published in the source."""

import os
import stat
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PUBLISHED = "dev-only-insecure-key-palmares-do-not-use-in-production"  # noqa: S105 (the former default)


def _secret_key(run_dir: Path) -> str:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("SECRET_KEY", "PALMARES_ENV", "DATABASE_URL", "REDIS_URL", "S3_BUCKET")
    }
    environment.update(PALMARES_RUN_DIR=str(run_dir), DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(  # noqa: S603 (our own interpreter and settings)
        [sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_without_secret_key_each_checkout_gets_its_own_random_key_kept_for_its_next_starts(tmp_path):
    first = _secret_key(tmp_path / "one")
    again = _secret_key(tmp_path / "one")
    other = _secret_key(tmp_path / "two")

    assert first == again
    assert first != other
    assert PUBLISHED not in (first, other)
    assert len(first) >= 50
    kept = tmp_path / "one" / "secret_key"
    assert kept.read_text() == first
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert sorted(path.name for path in (tmp_path / "one").iterdir() if path.name.startswith("secret_key")) == [
        "secret_key"
    ]
