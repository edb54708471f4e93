"""Carry the request id from the web process into Celery tasks, and count tasks for the metrics."""

import time

from celery import signals

from .request_id import current_request_id

_started: dict[str, tuple[float, object]] = {}


@signals.before_task_publish.connect
def add_request_id(headers=None, **kwargs):
    if headers is not None and "request_id" not in headers:
        headers["request_id"] = current_request_id.get()


@signals.task_prerun.connect
def restore_request_id(task_id=None, task=None, **kwargs):
    request_id = getattr(task.request, "request_id", None) or "-"
    _started[task_id] = (time.monotonic(), current_request_id.set(request_id))


@signals.task_postrun.connect
def record_task(task_id=None, task=None, state=None, **kwargs):
    started = _started.pop(task_id, None)
    if started is None:
        return
    began, token = started
    try:
        current_request_id.reset(token)
    except ValueError:
        current_request_id.set("-")
    from .metrics import record_task_run

    queue = (getattr(task.request, "delivery_info", None) or {}).get("routing_key") or "default"
    record_task_run(queue=queue, task=task.name, state=state or "UNKNOWN", seconds=time.monotonic() - began)
