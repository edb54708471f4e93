"""/metrics labels come from fixed sets: an invented method, an unknown route or a field stored by an older version
neither breaks the exposition nor adds a series."""

import re

import pytest

from operations import metrics

from .test_health import redis_metrics  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
VALUE = r'(?:\\[\\"n]|[^"\\\n])*'
LABEL = rf'[a-zA-Z_][a-zA-Z0-9_]*="{VALUE}"'
SAMPLE = re.compile(rf"{NAME}(?:\{{(?:{LABEL}(?:,{LABEL})*)?\}})? [-+]?(?:\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|NaN|Inf)")
COMMENT = re.compile(rf"# (?:HELP {NAME} .*|TYPE {NAME} (?:counter|gauge|histogram|summary|untyped))")
LABEL_VALUE = re.compile(rf'[a-zA-Z_][a-zA-Z0-9_]*="({VALUE})"')


def _label_values(body: str) -> set[str]:
    """Every label value of the exposition's samples (a sample's number may hold any digits: 0.00299987)."""
    return {value for line in body.splitlines() if not line.startswith("#") for value in LABEL_VALUE.findall(line)}


def _scrape(client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret")
    assert response.status_code == 200
    return response.content.decode()


def test_an_invented_method_and_an_unknown_route_leave_the_exposition_valid_and_bounded(
    client,
    settings,
    redis_metrics,  # noqa: F811
):
    settings.METRICS_TOKEN = "scrape-secret"
    client.generic("BAR|999", "/healthz")
    client.generic("FOO", "/healthz")
    client.get("/no/such/page/at/all")
    body = _scrape(client)
    for line in body.splitlines():
        assert COMMENT.fullmatch(line) or SAMPLE.fullmatch(line), line
    assert "BAR" not in body and "FOO" not in body
    assert not [value for value in _label_values(body) if "999" in value]
    methods = {field.decode().split("|")[0] for field in redis_metrics.hkeys(metrics.REQUESTS_KEY)}
    assert "other" in methods and methods <= metrics.METHODS | {"other"}  # other tests may count theirs meanwhile
    assert re.search(r'palmares_http_requests_total\{method="other",status="\d{3}"\} 2\n', body)
    assert 'palmares_http_requests_total{method="GET",status="404"} 1' in body


def test_fields_stored_by_an_older_version_are_folded_into_other(client, settings, redis_metrics):  # noqa: F811
    settings.METRICS_TOKEN = "scrape-secret"
    redis_metrics.hset(metrics.REQUESTS_KEY, "BAR|999|405", 3)
    redis_metrics.hset(metrics.REQUEST_MS_KEY, "BAR|999|405", 12)
    redis_metrics.hset(metrics.TASKS_KEY, "nowhere|invented.task|SUCCESS", 1)
    body = _scrape(client)
    for line in body.splitlines():
        assert COMMENT.fullmatch(line) or SAMPLE.fullmatch(line), line
    assert 'palmares_http_requests_total{method="other",status="405"} 3' in body
    assert 'palmares_tasks_total{queue="other",task="other",state="SUCCESS"} 1' in body
    assert "BAR" not in body and "invented" not in body and "nowhere" not in body
    assert not [value for value in _label_values(body) if "999" in value]


def test_a_task_on_an_undeclared_queue_is_counted_as_other(redis_metrics):  # noqa: F811
    metrics.record_task_run(queue="test-queue", task="operations.example", state="SUCCESS", seconds=0.1)
    metrics.record_task_run(queue="checks", task="made.up", state="WEIRD", seconds=0.1)
    assert sorted(field.decode() for field in redis_metrics.hkeys(metrics.TASKS_KEY)) == sorted(
        [f"other|{metrics.task_label('operations.example')}|SUCCESS", "checks|other|other"]
    )
