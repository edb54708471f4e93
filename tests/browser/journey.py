"""A journey: one role walks the site in Chromium through links only, from the one address it types first, and every
page it reaches is checked the same way. Used by the journey tests (tests/browser/test_journey_*.py):

    def test_..._journey(journey, ...):
        journey.open("/")                                   # the only typed address
        journey.follow("Palmarès")                          # a link (or a button: role="button"), by its name
        journey.submit(journey.page.get_by_role("button", name="Déposer"))   # anything else that navigates
        journey.check("after the upload")                   # a page that changed without navigating

At each step the page fails the test on: a horizontal scrollbar (the page wider than the viewport), a console error
or an uncaught exception, a 4xx/5xx answer to anything the page asked for, or, on a French page, a text of
the English catalogue (a msgid whose French translation differs from it) outside an element with its own `lang`.
A screenshot of each step is saved under the test's tmp dir (`<tmp>/journey-<viewport>/NN-step.png`).
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.french import english_catalogue

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}

_TEXTS = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (!parent || parent.closest("script, style, template, [lang]:not(html)")) continue;
    const text = walker.currentNode.textContent.replace(/\\s+/g, " ").trim();
    if (text) texts.push(text);
  }
  for (const element of document.body.querySelectorAll("[placeholder], [aria-label], [title], [alt], input[type=submit], input[type=button]")) {
    if (element.closest("[lang]:not(html)")) continue;
    for (const name of ["placeholder", "aria-label", "title", "alt", "value"]) {
      if (name === "value" && !element.matches("input[type=submit], input[type=button]")) continue;
      const value = (element.getAttribute(name) || "").replace(/\\s+/g, " ").trim();
      if (value) texts.push(value);
    }
  }
  return texts;
}"""

_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const wide = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.right > width + 1 && getComputedStyle(element).position !== "fixed") {
      wide.push(`${element.tagName.toLowerCase()}${element.className ? "." + String(element.className).trim().replace(/\\s+/g, ".") : ""} (right edge ${Math.round(box.right)})`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, elements: wide.slice(0, 8)};
}"""


@dataclass
class Journey:
    page: object
    base_url: str
    viewport: str
    shots: Path
    english: re.Pattern
    steps: int = 0
    opened: bool = False
    errors: list = field(default_factory=list)

    def open(self, path: str) -> None:
        """The journey's one typed address."""
        assert not self.opened, "a journey types one address, then follows links"
        self.opened = True
        self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")
        self.check(path.strip("/") or "home")

    def follow(self, name: str, *, role: str = "link", exact: bool = True, within=None) -> None:
        """Click the link (or button) of this accessible name, wait for the page it leads to, check it."""
        scope = within if within is not None else self.page
        target = scope.get_by_role(role, name=name, exact=exact)
        assert target.count() >= 1, f"no {role} named {name!r} on {self.page.url}"
        self.submit(target.first, step=name)

    def submit(self, target, *, step: str | None = None) -> None:
        """Click something that navigates (a form's button, a link found another way), then check the new page."""
        step = step or (target.text_content() or "submit").strip()
        with self.page.expect_navigation():
            target.click()
        self.page.wait_for_load_state("networkidle")
        self.check(step)

    def check(self, step: str) -> None:
        """The checks every page of a journey passes; a screenshot of the step."""
        self.steps += 1
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")[:40] or "step"
        self.page.screenshot(path=str(self.shots / f"{self.steps:02d}-{slug}.png"), full_page=True)
        where = f"{self.viewport}, step {self.steps} ({step}), {self.page.url}"
        assert not self.errors, f"{where}: {self.errors}"
        overflow = self.page.evaluate(_OVERFLOW)
        assert overflow is None, f"{where}: the page is wider than the viewport: {overflow}"
        if self.page.evaluate("document.documentElement.lang") == "fr":
            english = sorted({text for text in self.page.evaluate(_TEXTS) if self.english.search(text)})
            assert not english, f"{where}: English text on a French page: {english}"


@pytest.fixture(scope="session")
def _english_texts():
    return english_catalogue()


@pytest.fixture(params=sorted(VIEWPORTS))
def journey(request, browser, live_server, settings, tmp_path, _english_texts):
    """A French-speaking visitor's Chromium at desktop (1366×900) or phone (390×844) size."""
    settings.LANGUAGE_CODE = "fr"
    viewport = request.param
    context = browser.new_context(locale="fr-FR", viewport=VIEWPORTS[viewport], has_touch=viewport == "phone")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("filechooser", lambda chooser: None)  # see the `page` fixture in tests/conftest.py
    shots = tmp_path / f"journey-{viewport}"
    shots.mkdir()
    walk = Journey(page=page, base_url=live_server.url, viewport=viewport, shots=shots, english=_english_texts)
    page.on("console", lambda message: message.type == "error" and walk.errors.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: walk.errors.append(f"uncaught: {error}"))

    def answered(response):
        if response.status >= 400:
            walk.errors.append(f"{response.status} for {response.request.method} {response.url}")

    page.on("response", answered)
    yield walk
    context.close()
