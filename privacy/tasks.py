from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def erase_due_teams() -> int:
    """Periodic, daily (CELERY_BEAT_SCHEDULE): erase withdrawn teams past PERSONAL_DATA_RETENTION_DAYS."""
    return services.erase_due_teams()
