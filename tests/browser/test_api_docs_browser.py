"""The organiser API's docs page in Chromium, under the site's Content-Security-Policy: Swagger UI loads from our own
static files, lists the operations, and calls the API with a token typed into its Authorize dialog."""

import pytest

from api import services
from contest.models import ContestRole
from tests.factories import ContestRoleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_lists_the_operations_and_tries_one_with_a_token(live_server, page, tmp_path):
    organiser = ContestRoleFactory(role=ContestRole.Role.ORGANISER, contest__slug="action-vss").user
    _token, secret = services.create_token(user=organiser, label="docs", scopes=["read"])
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    outside = []
    page.on("request", lambda request: request.url.startswith(live_server.url) or outside.append(request.url))

    page.goto(f"{live_server.url}/api/docs/")
    page.get_by_text("Palmarès organiser API").first.wait_for()
    assert page.locator(".opblock-summary-path[data-path='/api/contests/{contest_slug}/entries/']").count() == 1
    page.get_by_role("button", name="Authorize").first.click()
    page.locator(".modal-ux input").fill(secret)
    page.locator(".modal-ux button.modal-btn.authorize").click()
    page.locator(".modal-ux button.modal-btn.btn-done").click()
    operation = page.locator(".opblock").filter(has=page.locator(".opblock-summary-path[data-path='/api/contests/']"))
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    operation.locator(".live-responses-table tbody .response-col_status").first.wait_for()
    assert "200" in operation.locator(".live-responses-table tbody .response-col_status").first.inner_text()
    assert "action-vss" in operation.locator(".live-responses-table tbody .microlight").first.inner_text()
    page.screenshot(path=str(tmp_path / "api-docs.png"), full_page=False)
    assert problems == []
    assert outside == []
