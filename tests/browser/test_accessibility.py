"""WCAG 2.2 AA checks with axe-core (static/vendor/axe-core) on every main page of the demo contest, as each role
sees it; a serious or critical violation fails. The same walk fails on any Content-Security-Policy violation the
browser reports, so the policy is tested with the real pages and scripts."""

from collections import defaultdict

import pytest

from contest.demo import DEMO_PASSWORD
from demo.services import load_demo
from tests.main_pages import main_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}


def axe_violations(page, live_server) -> list[dict]:
    """Run axe-core in `page`; loaded from our own static files, as the CSP allows scripts from this origin only."""
    page.add_script_tag(url=f"{live_server.url}/static/vendor/axe-core/axe.min.js")
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                 targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
        }""",
        AXE_TAGS,
    )


def test_every_main_page_has_no_serious_accessibility_violation_and_breaks_no_csp_rule(
    live_server, page, login, tmp_path
):
    load_demo()
    csp_violations = []
    page.on(
        "console",
        lambda message: (
            csp_violations.append((page.url, message.text))
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: csp_violations.append((page.url, f"script error: {error}")))
    by_person = defaultdict(list)
    for main_page in main_pages():
        by_person[main_page.email].append(main_page)
    problems = {}
    checked = 0
    for email, pages in by_person.items():
        page.context.clear_cookies()
        if email:
            login(page, email, DEMO_PASSWORD)
        for main_page in pages:
            response = page.goto(f"{live_server.url}{main_page.path}")
            assert response.status == 200, main_page
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(tmp_path / f"{main_page.name.replace(' ', '-')}.png"), full_page=True)
            serious = [v for v in axe_violations(page, live_server) if v["impact"] in FAILING_IMPACTS]
            if serious:
                problems[main_page.name] = serious
            checked += 1
    assert checked == 33
    assert problems == {}
    assert csp_violations == []
