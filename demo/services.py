"""Loading the demo contest « ACTION contre les VSS »: each app's demo rows, in the order the story needs.

Idempotent: running it again changes nothing that exists. Never runs in production (the password is public)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from contest.demo import load_contest_demo
from contest.models import Contest
from judging.demo import load_judging_demo
from media_pipeline.demo import load_media_demo
from releases.demo import load_release_demo


@transaction.atomic
def load_demo() -> Contest:
    """Writes the demo's rows of every app (and AuditEvents); sample films are enqueued through the real pipeline.
    Raises ImproperlyConfigured in production."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("The demo data has a public password: it is never loaded in production.")
    contest = load_contest_demo()
    load_media_demo(contest)
    load_release_demo(contest)  # before the demo scores, as the seed case's award was decided on its own
    load_judging_demo(contest)
    return contest
