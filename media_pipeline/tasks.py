"""Celery tasks of the media pipeline. Thin: each takes ids and calls one step or service (steps.py, pipeline.py,
services.py). Nothing in the app imports this module: the pipeline sends the tasks by their registered names.

Both pipeline tasks run with acks_late and task_reject_on_worker_lost (config/celery.py): a message is acknowledged
only once its task has finished, so a worker killed mid-transcode leaves it to be delivered again; the claim in
pipeline.py makes a second delivery of work already done, or still running, do nothing."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils.translation import gettext

from . import pipeline, screeners, services, steps, storage, tracing

logger = logging.getLogger(__name__)


def _backoff(retries: int) -> int:
    return min(10 * 2**retries, 600)


def _run(task, film_id: int, step, limit: int):
    run = steps.run_check if step is pipeline.CHECK else steps.run_transcode
    try:
        return run(film_id)
    except pipeline.Superseded:
        return None
    except storage.StorageUnavailable as error:
        if task.request.retries >= settings.PIPELINE_STORAGE_RETRIES:
            pipeline.give_up(
                film_id, gettext("Storage could not be reached after several tries (%(error)s).") % {"error": error}
            )
            return None
        logger.warning("Storage unavailable for film %s (%s); retrying", film_id, error)
        raise task.retry(exc=error, countdown=_backoff(task.request.retries)) from error
    except SoftTimeLimitExceeded:
        pipeline.give_up(
            film_id,
            gettext("The %(step)s took longer than the limit of %(minutes)d min.")
            % {"step": pipeline.step_label(step), "minutes": max(1, limit // 60)},
        )
        return None
    except Exception as error:
        pipeline.crashed(film_id, error)
        raise


@shared_task(
    bind=True,
    max_retries=None,
    soft_time_limit=settings.PIPELINE_CHECK_TIME_LIMIT - 10,
    time_limit=settings.PIPELINE_CHECK_TIME_LIMIT,
)
def check_film(self, film_id: int):
    """Sniff, probe and judge the rules (seconds). On success the transcode is queued."""
    return _run(self, film_id, pipeline.CHECK, settings.PIPELINE_CHECK_TIME_LIMIT)


@shared_task(
    bind=True,
    max_retries=None,
    soft_time_limit=settings.PIPELINE_TRANSCODE_TIME_LIMIT - 60,
    time_limit=settings.PIPELINE_TRANSCODE_TIME_LIMIT,
)
def transcode_film(self, film_id: int):
    """Decode every frame once: proxy, light rendition, posters, loudness, subtitles (minutes)."""
    return _run(self, film_id, pipeline.TRANSCODE, settings.PIPELINE_TRANSCODE_TIME_LIMIT)


@shared_task(
    bind=True,
    max_retries=None,
    soft_time_limit=settings.PIPELINE_TRANSCODE_TIME_LIMIT - 60,
    time_limit=settings.PIPELINE_TRANSCODE_TIME_LIMIT,
)
def make_screener(self, film_id: int, marked: bool = True):
    """Decode a ready film once more: its ladder for adaptive streaming, marked (or plain, for the public) (minutes)."""
    try:
        return screeners.make(film_id, marked)
    except storage.StorageUnavailable as error:
        logger.warning("Storage unavailable for the screener of film %s (%s); retrying", film_id, error)
        raise self.retry(exc=error, countdown=_backoff(self.request.retries)) from error


@shared_task(ignore_result=True)
def backfill_screeners() -> dict:
    """Periodic (CELERY_BEAT_SCHEDULE): a screener for every ready film that has none, and lost work sent again;
    traces that lost their worker marked failed."""
    return {**screeners.backfill(), "abandoned_traces": tracing.abandon_stale_traces()}


@shared_task(
    soft_time_limit=settings.PIPELINE_TRANSCODE_TIME_LIMIT - 60, time_limit=settings.PIPELINE_TRANSCODE_TIME_LIMIT
)
def trace_copy(trace_id: int):
    """Trace a suspected copy an organiser uploaded (a minute for a 10-minute copy)."""
    return tracing.run_trace(trace_id)


@shared_task(ignore_result=True)
def sweep_pipeline() -> dict:
    """Periodic (CELERY_BEAT_SCHEDULE): re-send work that was never queued, lost, or abandoned by a dead worker."""
    return pipeline.sweep()


@shared_task(ignore_result=True)
def clean_up_uploads() -> dict:
    """Periodic (CELERY_BEAT_SCHEDULE): abort uploads left incomplete for over 24 h, delete orphaned objects.
    Safe to run twice: both steps only act on what is still there."""
    return {
        "aborted_uploads": services.abort_stale_uploads(),
        "deleted_objects": services.delete_orphaned_objects(),
    }
