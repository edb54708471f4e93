"""Celery tasks of the media pipeline. Thin: each calls one service."""

from celery import shared_task

from . import services


@shared_task(queue="default", ignore_result=True)
def clean_up_uploads() -> dict:
    """Periodic (CELERY_BEAT_SCHEDULE): abort uploads left incomplete for over 24 h, delete orphaned objects.
    Safe to run twice: both steps only act on what is still there."""
    return {
        "aborted_uploads": services.abort_stale_uploads(),
        "deleted_objects": services.delete_orphaned_objects(),
    }
