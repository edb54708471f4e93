"""Prometheus metrics in the text exposition format.

Counters that several processes write (requests in each gunicorn worker, tasks in each Celery worker, on any host)
live in Redis hashes, so one scrape sees them all; gauges (pipeline states, queue depth) are read at scrape time.
Without Redis (`make run`) the counters stay in the process."""

import logging
import threading
from collections import defaultdict

from django.conf import settings

REQUESTS_KEY = "metrics:requests"
REQUEST_MS_KEY = "metrics:request_ms"
TASKS_KEY = "metrics:tasks"
TASK_MS_KEY = "metrics:task_ms"
UPLOAD_BYTES_KEY = "metrics:upload_bytes"

# Every label takes its value from a fixed set: a value a client or a message chose (an invented method, a queue
# nobody declared) is counted as "other", so neither the Redis hashes nor the exposition grow with what people send.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})
QUEUES = frozenset({"default", "checks", "transcode"})
OTHER = "other"

_local = defaultdict(float)
_local_lock = threading.Lock()
_client = None
logger = logging.getLogger(__name__)


def redis_errors() -> tuple[type[Exception], ...]:
    import redis

    return (redis.RedisError, OSError)


def redis_client():
    global _client
    if not settings.REDIS_URL:
        return None
    if _client is None:
        import redis

        _client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    return _client


def _add(key: str, field: str, amount: float) -> None:
    client = redis_client()
    if client is None:
        with _local_lock:
            _local[(key, field)] += amount
        return
    try:
        client.hincrbyfloat(key, field, amount)
    except redis_errors() as error:  # metrics must never break a request or a task
        logger.warning("metrics not recorded: %s", error)


def method_label(method) -> str:
    return method if method in METHODS else OTHER


def status_label(status) -> str:
    status = str(status)
    return status if len(status) == 3 and status.isascii() and status.isdigit() and status[0] in "12345" else OTHER


def queue_label(queue) -> str:
    return queue if queue in QUEUES else OTHER


def state_label(state) -> str:
    from celery import states

    return state if state in states.ALL_STATES else OTHER


def task_label(task) -> str:
    from celery import current_app  # the project's app (config.celery), without importing the wiring above us

    return task if task in current_app.tasks else OTHER


def record_request(*, method: str, status: int, seconds: float) -> None:
    field = f"{method_label(method)}|{status_label(status)}"
    _add(REQUESTS_KEY, field, 1)
    _add(REQUEST_MS_KEY, field, seconds * 1000)


def record_task_run(*, queue: str, task: str, state: str, seconds: float) -> None:
    field = f"{queue_label(queue)}|{task_label(task)}|{state_label(state)}"
    _add(TASKS_KEY, field, 1)
    _add(TASK_MS_KEY, field, seconds * 1000)


def record_upload_bytes(*, size: int) -> None:
    _add(UPLOAD_BYTES_KEY, "total", size)


def count_received_film(sender, *, film, **kwargs) -> None:
    """Receiver of media_pipeline.signals.film_received (connected in OperationsConfig.ready())."""
    record_upload_bytes(size=film.size)


def _read(key: str) -> dict[str, float]:
    client = redis_client()
    if client is None:
        with _local_lock:
            return {field: value for (k, field), value in _local.items() if k == key}
    try:
        return {field.decode(errors="replace"): float(value) for field, value in client.hgetall(key).items()}
    except redis_errors() as error:
        logger.warning("metrics not read: %s", error)
        return {}


def _requests(key: str) -> dict[tuple[str, str], float]:
    """Counters by (method, status), fields stored before the labels were bounded folded into "other"."""
    counts = defaultdict(float)
    for field, value in _read(key).items():
        method, _sep, status = field.rpartition("|")
        counts[(method_label(method), status_label(status))] += value
    return counts


def _tasks(key: str) -> dict[tuple[str, str, str], float]:
    counts = defaultdict(float)
    for field, value in _read(key).items():
        parts = field.split("|")
        queue, task, state = parts if len(parts) == 3 else (OTHER, OTHER, OTHER)
        counts[(queue_label(queue), task_label(task), state_label(state))] += value
    return counts


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def queue_depths() -> dict[str, int]:
    client = redis_client()
    if client is None:
        return {}
    depths = {}
    for queue in ("default", "checks", "transcode"):
        try:
            depths[queue] = int(client.llen(queue))
        except redis_errors() as error:
            logger.warning("queue depth of %s unknown: %s", queue, error)
    return depths


def render(*, gauges: dict[str, list[tuple[dict, float]]]) -> str:
    lines = [
        "# HELP palmares_http_requests_total HTTP requests by method and status.",
        "# TYPE palmares_http_requests_total counter",
    ]
    durations = _requests(REQUEST_MS_KEY)
    for (method, status), count in sorted(_requests(REQUESTS_KEY).items()):
        lines.append(f'palmares_http_requests_total{{method="{_label(method)}",status="{status}"}} {count:g}')
    lines += [
        "# HELP palmares_http_request_seconds_total Time spent serving requests.",
        "# TYPE palmares_http_request_seconds_total counter",
    ]
    for (method, status), milliseconds in sorted(durations.items()):
        lines.append(
            f'palmares_http_request_seconds_total{{method="{_label(method)}",status="{status}"}} {milliseconds / 1000:g}'
        )
    lines += [
        "# HELP palmares_tasks_total Celery tasks run, by queue, task and final state.",
        "# TYPE palmares_tasks_total counter",
    ]
    task_ms = _tasks(TASK_MS_KEY)
    for (queue, task, state), count in sorted(_tasks(TASKS_KEY).items()):
        labels = f'queue="{_label(queue)}",task="{_label(task)}",state="{_label(state)}"'
        lines.append(f"palmares_tasks_total{{{labels}}} {count:g}")
    lines += [
        "# HELP palmares_task_seconds_total Time spent in Celery tasks.",
        "# TYPE palmares_task_seconds_total counter",
    ]
    for (queue, task, state), milliseconds in sorted(task_ms.items()):
        labels = f'queue="{_label(queue)}",task="{_label(task)}",state="{_label(state)}"'
        lines.append(f"palmares_task_seconds_total{{{labels}}} {milliseconds / 1000:g}")
    lines += [
        "# HELP palmares_upload_bytes_total Bytes of completed uploads.",
        "# TYPE palmares_upload_bytes_total counter",
    ]
    lines.append(f"palmares_upload_bytes_total {_read(UPLOAD_BYTES_KEY).get('total', 0):g}")
    lines += ["# HELP palmares_queue_depth Messages waiting in each Celery queue.", "# TYPE palmares_queue_depth gauge"]
    for queue, depth in sorted(queue_depths().items()):
        lines.append(f'palmares_queue_depth{{queue="{queue}"}} {depth}')
    for name, samples in gauges.items():
        lines.append(f"# TYPE {name} gauge")
        for labels, value in samples:
            rendered = ",".join(f'{key}="{_label(str(val))}"' for key, val in sorted(labels.items()))
            lines.append(f"{name}{{{rendered}}} {value:g}")
    return "\n".join(lines) + "\n"


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        began = time.monotonic()
        response = self.get_response(request)
        record_request(method=request.method, status=response.status_code, seconds=time.monotonic() - began)
        return response
