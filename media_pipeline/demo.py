"""Sample films for the demo contest of `make run`: a minute or so of test picture and tone per submitted entry, made
on the fly with PyAV and stored like an upload; the real pipeline (checks, then transcode) runs in the worker that
`make run` starts, so the server answers at once and the films are ready soon after. Tests call `process_now` on
the films they need ready. Idempotent: entries that have a film keep it."""

import functools
import hashlib
import tempfile
from functools import partial
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from contest.models import Contest, Entry

from . import pipeline, steps
from .models import Film, new_upload_key
from .samples import make_film
from .selectors import current_film


def add_sample_film(
    entry: Entry, *, seconds: float = 6, frequency: float = 440, fps: int = 12, process: bool = True
) -> Film:
    """Store a generated film as `entry`'s film and, with `process`, check and transcode it now."""
    data = _sample(seconds, frequency, fps)
    key = default_storage.save(new_upload_key(), ContentFile(data))
    film = Film.objects.create(
        entry=entry,
        key=key,
        original_name=f"{entry.code or 'film'}-final.mp4",
        content_type="video/mp4",
        size=len(data),
        checksum=hashlib.md5(data, usedforsecurity=False).hexdigest(),
    )
    if process:
        process_now(film.pk)
    return film


@functools.lru_cache(maxsize=16)
def _sample(seconds: float, frequency: float, fps: int) -> bytes:
    """The bytes of a sample film, made once per process: the demo is loaded by many tests, and a minute of film
    takes seconds to encode."""
    with tempfile.TemporaryDirectory() as folder:
        path = make_film(
            Path(folder) / "film.mp4", duration_s=seconds, width=640, height=360, fps=fps, frequency=frequency
        )
        return path.read_bytes()


def process_now(film_id: int) -> str | None:
    """Run the whole pipeline on one film in this process (demo, tests, `manage.py` shells). Claims work the same way
    as the workers, so a message for the same film that a worker picks up later does nothing."""
    steps.run_check(film_id)
    return steps.run_transcode(film_id) or Film.objects.get(pk=film_id).state


def load_media_demo(contest: Contest) -> int:
    """Give every submitted entry without a film a sample film of its typed runtime, queued for the pipeline's
    workers once the transaction commits, as an upload is. Returns how many were made. Two pictures a second at the
    contest's smallest size keep a minute of film quick to make and to check."""
    made = 0
    entries = contest.entries.filter(status=Entry.Status.SUBMITTED).order_by("pk")
    for index, entry in enumerate(entries):
        if current_film(entry) is None:
            film = add_sample_film(
                entry, seconds=entry.runtime_s or 60, frequency=330 + 110 * index, fps=2, process=False
            )
            transaction.on_commit(partial(pipeline.film_received, film))
            made += 1
    return made
