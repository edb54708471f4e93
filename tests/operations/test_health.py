import json
import logging

import pytest

from operations import metrics
from operations.logging import JsonFormatter
from operations.request_id import RequestIdFilter, current_request_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_metrics(settings):
    """Point metrics at the test Redis and start from empty counters."""
    metrics._client = None
    client = metrics.redis_client()
    assert client is not None, "REDIS_URL must be set for these tests"
    client.delete(metrics.REQUESTS_KEY, metrics.REQUEST_MS_KEY, metrics.TASKS_KEY, metrics.TASK_MS_KEY)
    yield client
    metrics._client = None


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")


def test_readyz_reports_every_dependency_ok(client, redis_metrics):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"ready": True, "checks": {"database": "ok", "redis": "ok", "storage": "ok"}}


def test_readyz_answers_503_naming_redis_when_it_is_unreachable(client, settings):
    metrics._client = None
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/readyz")
    finally:
        metrics._client = None
    assert response.status_code == 503
    assert response.json() == {"ready": False, "checks": {"database": "ok", "redis": "failed", "storage": "ok"}}


def test_every_response_carries_a_request_id_and_keeps_a_valid_incoming_one(client):
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="edge-1234abcd")["X-Request-ID"] == "edge-1234abcd"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")["X-Request-ID"] != "bad id\nwith newline"


def test_metrics_do_not_exist_without_the_token(client, settings):
    settings.METRICS_TOKEN = "scrape-secret"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404


def test_metrics_count_requests_across_processes_through_redis(client, settings, redis_metrics):
    settings.METRICS_TOKEN = "scrape-secret"
    client.get("/healthz")
    client.get("/healthz")
    body = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret").content.decode()
    assert 'palmares_http_requests_total{method="GET",status="200"} 2' in body
    assert 'palmares_queue_depth{queue="checks"} 0' in body


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord("palmares", logging.INFO, __file__, 1, "film %s received", ("SV-1",), None)
    token = current_request_id.set("req-12345678")
    try:
        RequestIdFilter().filter(record)
    finally:
        current_request_id.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert (line["message"], line["request_id"], line["level"]) == ("film SV-1 received", "req-12345678", "INFO")


def test_a_task_enqueued_during_a_request_carries_its_request_id(redis_metrics):
    from config.celery import app

    queue = "test-request-id"
    redis_metrics.delete(queue)
    token = current_request_id.set("req-abcdef12")
    try:
        with app.connection_for_write() as connection:
            app.send_task("operations.example", queue=queue, connection=connection)
    finally:
        current_request_id.reset(token)
    message = json.loads(redis_metrics.lpop(queue))
    redis_metrics.delete(queue)
    assert message["headers"]["request_id"] == "req-abcdef12"
    assert message["headers"]["task"] == "operations.example"


def test_metrics_count_uploaded_bytes_and_films_per_state(client, settings, redis_metrics):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from media_pipeline import pipeline
    from media_pipeline.models import Film, new_upload_key
    from tests.factories import EntryFactory

    settings.METRICS_TOKEN = "scrape-secret"
    redis_metrics.delete(metrics.UPLOAD_BYTES_KEY)
    for size in (1000, 2345):
        key = default_storage.save(new_upload_key(), ContentFile(b"x" * size))
        film = Film.objects.create(entry=EntryFactory(), key=key, original_name="f.mp4", size=size, checksum="c")
        pipeline.film_received(film)  # what completing an upload runs after commit
    Film.objects.filter(pk=film.pk).update(state=Film.State.REJECTED)

    body = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret").content.decode()

    assert "palmares_upload_bytes_total 3345" in body
    assert 'palmares_films{state="received"} 1' in body
    assert 'palmares_films{state="rejected"} 1' in body
