"""schemathesis against the OpenAPI schema the API serves, with the organiser's all-scope token, through the WSGI
application (real PostgreSQL): no 5xx, and every response's status, content type and body match the schema.

Generated path parameters are replaced by the world's real ids, so that the calls reach the views rather than stop
at 404 (the permission matrix covers unknown ids); bodies and query strings stay generated, valid and invalid."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

# More for a deeper search: SCHEMATHESIS_MAX_EXAMPLES=200 pytest tests/api/test_schema.py
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "15"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


# Loaded at collection: building the schema reads no database. (schemathesis' lazy `from_fixture` loader touches a
# pytest internal that pytest 9 removed.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def wsgi_keeps_the_test_transaction():
    """Django's WSGI handler closes the database connection after each request; the test Client disconnects that,
    and so must calls through the raw WSGI application, or the test's transaction is lost after the first call."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_schema_says(case, world, wsgi_keeps_the_test_transaction):
    known = {
        "contest_slug": world.contest.slug,
        "round_id": world.round.pk,
        "award_id": world.award.pk,
        "step_id": world.step.pk,
        "public_id": str(world.release.entry.public_id),
    }
    for name in list(case.path_parameters or {}):
        case.path_parameters[name] = known[name]
    case.call_and_validate(headers={"Authorization": f"Bearer {world.tokens['all']}"}, checks=CHECKS)


def test_the_schema_and_its_docs_page_are_served_without_a_cdn(client):
    schema_response = client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert schema_response.status_code == 200
    document = schema_response.json()
    assert document["info"]["title"] == "Palmarès organiser API"
    assert document["components"]["securitySchemes"]["organiserToken"]["scheme"] == "bearer"
    assert "/api/contests/{contest_slug}/rounds/{round_id}/results/" in document["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "http://" not in page and "https://" not in page
    assert "<script>" not in page  # the start script is a separate URL (CSP without inline scripts)
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()
