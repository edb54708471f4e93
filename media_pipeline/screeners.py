"""Screeners: a ready film's ladder for adaptive streaming, made by its own task (the film plays from its MP4 proxy
until the ladder is ready, and keeps doing so if making it fails), stored segment by segment under a random prefix.

Every film that is not public is marked (variants A and B, watermark.py); the key of the mark is WATERMARK_SECRET
and each film is known to the mark by its storage key, which is random and never shown. A screener is claimed with
a lease like the pipeline's steps, so a worker killed halfway leaves it to be made again by `backfill`, which also
gives films made before screeners existed theirs: it is idempotent and may run any number of times."""

import hashlib
import hmac
import logging
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from celery import signature
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import storage, watermark
from .ladder import make_ladder
from .models import Film, Screener
from .pipeline import State as FilmState
from .problems import MediaError

logger = logging.getLogger(__name__)

TASK = "media_pipeline.tasks.make_screener"
QUEUE = "transcode"
LEASE = timedelta(seconds=120)


def watermark_secret() -> bytes:
    """The key of every mark and codeword: WATERMARK_SECRET, or one derived from SECRET_KEY. Changing it makes the
    copies of screeners made before unreadable."""
    configured = settings.WATERMARK_SECRET
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"palmares.watermark", hashlib.sha256).digest()


def mark_name(film: Film) -> str:
    """What the mark and the codewords know a film by."""
    return film.key


def ready_screener(film: Film | None, *, marked: bool = True) -> Screener | None:
    """The film's marked (or, with `marked=False`, plain) screener when it can be played, else None."""
    if film is None:
        return None
    return Screener.objects.filter(film=film, marked=marked, state=Screener.State.READY).first()


def has_ready_screener(film_id: int) -> bool:
    """Whether any screener of the film (marked or plain) can be played: the players offer HLS then."""
    return Screener.objects.filter(film_id=film_id, state=Screener.State.READY).exists()


# Queueing


def enqueue(screener: Screener) -> bool:
    """Send the task that makes `screener`. A broker that is down is logged, not raised: `backfill` sends it again."""
    try:
        signature(TASK, args=(screener.film_id, screener.marked)).apply_async(queue=QUEUE, retry=False)
    except Exception:  # kombu/redis raise many types for an unreachable broker
        logger.warning("Could not enqueue the screener of film %s; the backfill will retry", screener.film_id)
        return False
    return True


def queue_screener(film: Film, *, marked: bool = True) -> Screener:
    """The film's marked (or plain) screener, created (state queued) if it had none, and its task sent after
    commit. Idempotent."""
    screener, created = Screener.objects.get_or_create(film=film, marked=marked)
    if created:
        transaction.on_commit(lambda: enqueue(screener))
    return screener


def backfill(*, now=None) -> dict:
    """Give every current ready film its marked screener, and send again the task of each screener no worker holds: queued
    (its message may have been lost), or held by a lease that expired (the worker died). Failed screeners stay
    failed (the pipeline page shows why) until `retry_failed`. Returns the counts."""
    now = now or timezone.now()
    missing = Film.objects.filter(state=FilmState.READY, replaced_at__isnull=True).exclude(screeners__marked=True)
    created = 0
    for film in missing.iterator():
        _, was_created = Screener.objects.get_or_create(film=film, marked=True)
        created += was_created
    stuck = Screener.objects.filter(film__state=FilmState.READY, film__replaced_at__isnull=True).filter(
        Q(state=Screener.State.QUEUED) | Q(state=Screener.State.MAKING, lease_until__lt=now)
    )
    sent = sum(enqueue(screener) for screener in stuck)
    return {"created": created, "sent": sent}


def retry_failed(*, contest=None) -> int:
    """Queue again every failed screener of a current film (of `contest`, or of all). Returns how many."""
    failed = Screener.objects.filter(state=Screener.State.FAILED, film__replaced_at__isnull=True)
    if contest is not None:
        failed = failed.filter(film__entry__contest=contest)
    screeners = list(failed)
    failed.update(state=Screener.State.QUEUED, attempts=0, failure="", progress=0.0)
    for screener in screeners:
        transaction.on_commit(lambda screener=screener: enqueue(screener))
    return len(screeners)


# Making


def _claim(film_id: int, marked: bool, now) -> Screener | None:
    free = Q(state=Screener.State.QUEUED) | Q(state=Screener.State.MAKING, lease_until__lt=now)
    mine = Screener.objects.filter(
        free, film_id=film_id, marked=marked, film__state=FilmState.READY, film__replaced_at__isnull=True
    ).update(state=Screener.State.MAKING, lease_until=now + LEASE, attempts=F("attempts") + 1, progress=0.0)
    if not mine:
        return None
    return Screener.objects.select_related("film").get(film_id=film_id, marked=marked)


def _held(screener: Screener) -> Q:
    return Q(pk=screener.pk, state=Screener.State.MAKING, attempts=screener.attempts)


def make(film_id: int, marked: bool = True, *, heartbeat_every: float = 2.0) -> str | None:
    """Claim and make the screener of one ready film: decode its original once, write every rung (both variants
    when marked), store the segments and the reference. Returns the screener's new state, or None when there was
    nothing to do (made, held by a live worker, film replaced). Raises StorageUnavailable (retry later)."""
    screener = _claim(film_id, marked, timezone.now())
    if screener is None:
        return None
    if screener.attempts > settings.PIPELINE_MAX_ATTEMPTS:
        _fail(screener, f"Gave up after {screener.attempts - 1} attempts. {screener.failure}".strip())
        return Screener.State.FAILED
    film, started, last_beat = screener.film, time.monotonic(), 0.0

    def progress(fraction: float) -> None:
        nonlocal last_beat
        if time.monotonic() - last_beat >= heartbeat_every:
            changes = {"lease_until": timezone.now() + LEASE, "progress": round(fraction * 0.9, 4)}
            Screener.objects.filter(_held(screener)).update(**changes)
            last_beat = time.monotonic()

    saved: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="palmares-screener-", dir=settings.PIPELINE_WORK_DIR) as work:
            fileobj, _size = storage.open_watched(film.key)
            secret = watermark_secret() if screener.marked else None
            with fileobj:
                made = make_ladder(
                    fileobj, Path(work) / "ladder", secret=secret, film=mark_name(film), progress=progress
                )
            size = _store(screener, made, saved)
    except storage.StorageUnavailable:
        storage.delete_now(saved)
        Screener.objects.filter(_held(screener)).update(lease_until=timezone.now() - timedelta(seconds=1))
        raise
    except storage.ObjectGone:
        storage.delete_now(saved)
        return None  # replaced meanwhile: the new film gets its own screener
    except Exception as error:
        storage.delete_now(saved)
        logger.exception("The screener of film %s failed", film_id)
        _fail(screener, str(error) if isinstance(error, MediaError) else f"{type(error).__name__}: {error}")
        return Screener.State.FAILED
    rungs = [
        {
            "lines": rung.lines,
            "width": rung.width,
            "height": rung.height,
            "max_rate": rung.max_rate,
            "size": rung.size,
            "codec": rung.codec,
            "segments": rung.segments,
        }
        for rung in made.rungs
    ]
    done = Screener.objects.filter(_held(screener)).update(
        state=Screener.State.READY,
        rungs=rungs,
        audio_segments=made.audio_segments,
        size=size,
        progress=1.0,
        lease_until=None,
        failure="",
        seconds=round(time.monotonic() - started, 3),
        ready_at=timezone.now(),
    )
    if not done:  # another worker took it over while this one stored: its files are the ones that count
        storage.delete_now(saved)
        return None
    return Screener.State.READY


def _store(screener: Screener, made, saved: list[str]) -> int:
    """Store every segment (and the reference) of the ladder made under `made.folder`; returns the bytes stored."""
    size = 0
    for rung in made.rungs:
        for variant in made.variants:
            for index in range(len(rung.segments)):
                key = screener.segment_key(rung.lines, variant, index)
                saved.append(key)
                size += storage.save_file(made.folder / str(rung.lines) / variant / f"seg{index:05d}.ts", key)
    for index in range(len(made.audio_segments)):
        key = screener.audio_key(index)
        saved.append(key)
        size += storage.save_file(made.folder / "audio" / f"seg{index:05d}.ts", key)
    if made.reference is not None:
        path = made.folder / "reference.npz"
        with open(path, "wb") as out:
            made.reference.save(out)
        saved.append(screener.reference_key)
        size += storage.save_file(path, screener.reference_key)
    return size


def _fail(screener: Screener, reason: str) -> None:
    Screener.objects.filter(_held(screener)).update(
        state=Screener.State.FAILED, lease_until=None, failure=reason[:2000], progress=0.0
    )


def load_reference(screener: Screener) -> watermark.Reference:
    """The reference a copy of this screener is read against. Raises StorageUnavailable or ObjectGone."""
    fileobj, _size = storage.open_watched(screener.reference_key)
    with fileobj:
        return watermark.Reference.load(fileobj)


def forget(film: Film) -> None:
    """After commit, delete the stored files of the film's screeners (the film was retired or replaced)."""
    for screener in Screener.objects.filter(film=film):
        storage.delete_after_commit(screener.stored_keys())
