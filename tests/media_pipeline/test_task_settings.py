"""The delivery guarantees the pipeline relies on, read from the configured Celery app (the worker tests show the
behaviour; this pins the settings that give it)."""

from django.conf import settings

from config.celery import app
from media_pipeline import tasks


def test_pipeline_tasks_ack_late_prefetch_one_and_stop_before_the_visibility_timeout():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert (app.conf.task_acks_late, app.conf.task_reject_on_worker_lost, app.conf.worker_prefetch_multiplier) == (
        True,
        True,
        1,
    )
    limits = {
        task.name: (task.soft_time_limit, task.time_limit, app.amqp.router.route({}, task.name)["queue"].name)
        for task in (tasks.check_film, tasks.transcode_film)
    }
    assert limits == {
        "media_pipeline.tasks.check_film": (110, 120, "checks"),
        "media_pipeline.tasks.transcode_film": (5340, 5400, "transcode"),
    }
    assert all(hard < visibility for _soft, hard, _queue in limits.values())
    assert settings.CELERY_BEAT_SCHEDULE["sweep-pipeline"] == {
        "task": "media_pipeline.tasks.sweep_pipeline",
        "schedule": 30.0,
    }
