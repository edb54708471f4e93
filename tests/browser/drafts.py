"""Waiting for the juror's draft as the page knows it: saved, with nothing typed since still to send."""

from playwright.sync_api import Page


def wait_for_draft_saved(page: Page, status_prefix: str) -> None:
    """Wait until the last keystroke's draft is saved and the status says so (not merely an earlier draft)."""
    page.wait_for_function(
        """(prefix) => document.getElementById('score-form').dataset.autosave === 'saved'
            && document.getElementById('autosave-status').textContent.startsWith(prefix)""",
        arg=status_prefix,
    )
