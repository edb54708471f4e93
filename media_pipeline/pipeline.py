"""The media pipeline as a state machine: every film goes `received → checking → rejected | transcoding → ready |
failed`, and an organiser's retry takes a failed or rejected film back to `received`. `TRANSITIONS` says which
state may follow which; `transition` is the one way a film's state changes.

Work is claimed, never assumed. A task only has the film's id; it claims a step with one conditional UPDATE that
sets a lease (`lease_until`), so a second delivery of the same message, or a second worker, finds nothing to claim
and does nothing. The transcode pushes its lease forward as it advances; a lease in the past means nobody works on
the film any more (worker killed, machine lost), and the next claim (a redelivered message, or the sweeper's
re-enqueue) takes over. Each claim counts an attempt; past PIPELINE_MAX_ATTEMPTS the film is `failed` with the
reason. Results are written with a conditional UPDATE on the same claim, so a superseded worker cannot overwrite
them, and its outputs are deleted. The steps themselves (what a worker does once it holds a claim) are in steps.py.

Enqueueing happens after commit and may fail (broker down): the film is then still `received` (or `transcoding`
without a lease) with `enqueued_at` empty, and `sweep` (periodic, in beat) enqueues it again once the broker is
back. Nothing is lost and nothing stays pending forever. Tasks are sent by their registered names, so this module
never imports the tasks that call it."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from celery import signature
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from contest.services import mail_team, record_event, set_film_accepted

from . import signals
from .models import Film

logger = logging.getLogger(__name__)

State = Film.State
IN_PROGRESS = (State.RECEIVED, State.CHECKING, State.TRANSCODING)

# For each state, the states a film may reach it from.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    State.RECEIVED: (State.FAILED, State.REJECTED),  # an organiser's retry
    State.CHECKING: (State.RECEIVED, State.CHECKING),  # a claim of the checks (again, once a lease ran out)
    State.TRANSCODING: (State.CHECKING, State.TRANSCODING),  # the checks passed; a claim of the transcode
    State.REJECTED: (State.CHECKING, State.TRANSCODING),  # the checks, or the full decode, found a problem
    State.READY: (State.TRANSCODING,),
    State.FAILED: IN_PROGRESS,  # attempts or time ran out, storage stayed down
}


class TransitionNotAllowed(Exception):
    """A film was asked to move between two states the pipeline never links: a bug, never a race."""


class Superseded(Exception):
    """The claim was lost: the lease expired and another worker took the film over, or a new upload replaced it."""


def transition(where: Q, *, sources: str | Iterable[str], to: str, **changes) -> int:
    """Move the films that match `where` and are in one of `sources` to `to`, with `changes`, in one conditional
    UPDATE (`... WHERE state IN sources`); sets state_changed_at unless given. Returns how many rows moved (0 when
    another worker or a replacement got there first). Raises TransitionNotAllowed when a source may not lead to
    `to`, before touching anything."""
    sources = (sources,) if isinstance(sources, str) else tuple(sources)
    refused = [source for source in sources if source not in TRANSITIONS[to]]
    if refused:
        raise TransitionNotAllowed(
            f"A film cannot go from {State(refused[0]).value!r} to {State(to).value!r}; "
            f"it may reach {State(to).value!r} only from {', '.join(repr(s.value) for s in TRANSITIONS[to])}."
        )
    changes.setdefault("state_changed_at", timezone.now())
    return Film.objects.filter(where, state__in=sources).update(state=to, **changes)


def _mine(film: Film) -> Q:
    """The rows still held by the claim that produced `film`."""
    return Q(pk=film.pk, state=film.state, attempts=film.attempts, replaced_at__isnull=True)


def move(film: Film, to: str, **changes) -> bool:
    """`transition` of `film` from the state its claim holds it in. False when the claim was lost meanwhile."""
    return bool(transition(_mine(film), sources=film.state, to=to, **changes))


@dataclass(frozen=True)
class Step:
    name: str  # "check" | "transcode"
    waiting: str  # the state in which the step waits for a worker
    working: str  # the state while a worker holds the lease
    task: str  # the registered name of the Celery task that runs it (media_pipeline/tasks.py)
    queue: str

    @property
    def lease(self) -> timedelta:
        if self.name == "check":
            return timedelta(seconds=settings.PIPELINE_CHECK_TIME_LIMIT + 30)
        return timedelta(seconds=settings.PIPELINE_LEASE_SECONDS)


CHECK = Step("check", State.RECEIVED, State.CHECKING, "media_pipeline.tasks.check_film", "checks")
TRANSCODE = Step("transcode", State.TRANSCODING, State.TRANSCODING, "media_pipeline.tasks.transcode_film", "transcode")


def step_label(step: Step) -> str:
    return translation.gettext("checks") if step is CHECK else translation.gettext("transcode")


# Enqueueing


def enqueue(film_id: int, step: Step) -> bool:
    """Send the step's task to its queue and note when. A broker that is down is logged, not raised: `sweep`
    enqueues the film again later. Returns whether the message was sent."""
    try:
        signature(step.task, args=(film_id,)).apply_async(queue=step.queue, retry=False)
    except Exception:  # kombu/redis raise many types for an unreachable broker; sweep retries them all
        logger.warning("Could not enqueue the %s of film %s; the sweeper will retry", step.name, film_id, exc_info=True)
        return False
    Film.objects.filter(pk=film_id).update(enqueued_at=timezone.now())
    return True


def film_received(film: Film) -> None:
    """After commit, once an upload completed (services.complete_upload): announce it (signals.film_received:
    operations counts its bytes) and queue its checks."""
    signals.film_received.send(sender=Film, film=film)
    enqueue(film.pk, CHECK)


# Claims


def claim(film_id: int, step: Step, *, now=None) -> Film | None:
    """Take `step` of the film if nobody holds it. Returns the claimed film, or None: already done, replaced, held by a
    live worker, or failed because this was one attempt too many."""
    now = now or timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    updated = transition(
        Q(pk=film_id, replaced_at__isnull=True) & free,
        sources=(step.waiting, step.working),
        to=step.working,
        lease_until=now + step.lease,
        attempts=F("attempts") + 1,
        state_changed_at=now,
    )
    if not updated:
        return None
    film = Film.objects.select_related("entry__contest", "entry__team", "uploaded_by").get(pk=film_id)
    if film.attempts > settings.PIPELINE_MAX_ATTEMPTS:
        reason = translation.gettext("Gave up after %(count)d attempts at the %(step)s.") % {
            "count": film.attempts - 1,
            "step": step_label(step),
        }
        finish_failed(film, f"{reason} {film.failure}".strip())
        return None
    return film


def is_held(film: Film) -> bool:
    """Whether the claim that produced `film` still holds it."""
    return Film.objects.filter(_mine(film)).exists()


def release(film: Film) -> None:
    """Give the claim back at once (before a retry): the next delivery may claim without waiting for the lease."""
    Film.objects.filter(_mine(film)).update(lease_until=timezone.now() - timedelta(seconds=1))


def heartbeat(film: Film, *, progress: float | None = None) -> None:
    """Push the lease forward (and record progress). Raises Superseded when the claim is no longer ours."""
    changes = {"lease_until": timezone.now() + TRANSCODE.lease}
    if progress is not None:
        changes["progress"] = round(min(max(progress, 0.0), 1.0), 4)
    if not Film.objects.filter(_mine(film)).update(**changes):
        raise Superseded(film.pk)


# Mail and the entry's flag, shared by every outcome


def mail_outcome(film: Film, kind: str) -> None:
    entry = film.entry
    mail_team(
        team=entry.team,
        subject_template=f"media_pipeline/mail/{kind}_subject.txt",
        body_template=f"media_pipeline/mail/{kind}_body.txt",
        context={"entry": entry, "film": film, "problems": film.problems, "warnings": film.warnings},
    )


def film_stays(film: Film) -> bool:
    """Whether an accepted (ready) film of the entry stays beside `film`, a replacement that is not accepted."""
    return Film.objects.filter(entry_id=film.entry_id, state=State.READY).exclude(pk=film.pk).exists()


# Failures


def finish_failed(film: Film, reason: str) -> None:
    """`film` (as its claim holds it) becomes `failed` with `reason`: AuditEvent `film_failed`, mail to the team."""
    with transaction.atomic():
        if not move(film, State.FAILED, lease_until=None, failure=reason):
            return
        film.refresh_from_db()
        if not film_stays(film):
            set_film_accepted(entry=film.entry, accepted=False, by=None)
        record_event(
            verb="film_failed", actor=None, contest=film.entry.contest, entry=film.entry, film=film.pk, reason=reason
        )
        mail_outcome(film, "failed")


def crashed(film_id: int, error: BaseException) -> None:
    """A step stopped on an unexpected error: note it (it becomes the reason if the attempts run out) and let the
    next claim take over at once."""
    detail = f"{type(error).__name__}: {error}"[:500]
    Film.objects.filter(pk=film_id, state__in=(State.CHECKING, State.TRANSCODING), replaced_at__isnull=True).update(
        failure=translation.gettext("Last error: %(error)s") % {"error": detail},
        lease_until=timezone.now() - timedelta(seconds=1),
    )


def give_up(film_id: int, reason: str) -> None:
    """Mark a film `failed` whatever step it is in (time limit reached, storage still down after every retry)."""
    film = Film.objects.filter(pk=film_id, state__in=IN_PROGRESS, replaced_at__isnull=True).first()
    if film is not None:
        finish_failed(film, reason)


# The sweeper


def sweep(*, now=None) -> dict:
    """Periodic (beat): enqueue again what no worker holds and no message is known to carry — never enqueued
    (broker down), enqueued long ago and never started (messages lost with the broker), or held by a lease that
    expired (worker killed). Safe to run any number of times: claims make extra messages harmless."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.PIPELINE_REQUEUE_AFTER)
    grace = now - timedelta(seconds=settings.PIPELINE_ENQUEUE_GRACE)
    current = Film.objects.filter(replaced_at__isnull=True)
    # Waiting for a worker, but the message never left or was lost with the broker.
    lost = Q(lease_until__isnull=True) & (
        Q(enqueued_at__isnull=True, state_changed_at__lt=grace) | Q(enqueued_at__lt=stale)
    )
    # Held by a worker that stopped pushing its lease, and not enqueued again since (or long ago).
    abandoned = Q(lease_until__lt=now) & (
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=F("lease_until")) | Q(enqueued_at__lt=stale)
    )
    counts = {"check": 0, "transcode": 0}
    for step in (CHECK, TRANSCODE):
        stuck = current.filter((Q(state=step.waiting) & lost) | (Q(state=step.working) & abandoned))
        for film_id in stuck.values_list("pk", flat=True):
            counts[step.name] += enqueue(film_id, step)
    return counts
