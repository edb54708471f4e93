"""`manage.py trace_leak FILE [--json]`: name the film, the viewing session and the viewer a leaked copy came from.
Exit 0 when one session is identified, 1 when none is (no mark found, or the copy mixes several sessions: the
verdict says which), 2 on a usage error (no such file, not a video)."""

import json
import os
import sys

import av
from django.core.management.base import BaseCommand, CommandParser

from media_pipeline import tracing


class Command(BaseCommand):
    help = "Trace a leaked copy of a screener to the viewing session (and viewer) it was served to."

    def add_arguments(self, parser: CommandParser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, **options):
        path = options["file"]
        if not os.path.isfile(path):
            self.stderr.write(f"trace_leak: no such file: {path}")
            sys.exit(2)
        try:
            found = tracing.trace(path)
        except (av.error.FFmpegError, IndexError, OSError) as error:
            self.stderr.write(f"trace_leak: not a video that can be read: {path} ({error})")
            sys.exit(2)
        if found.film is not None:
            tracing.audit(found, contest=found.film.entry.contest, source="command")
        if options["json"]:
            self.stdout.write(json.dumps(found.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(self._said(found))
        sys.exit(0 if found.verdict == "identified" else 1)

    def _said(self, found: tracing.Trace) -> str:
        if found.verdict == "not_found":
            return f"not_found: no mark of any screener in this copy ({found.seconds:.1f} s)"
        title = found.film.entry.title
        if found.verdict == "several":
            who = ", ".join(_viewer(suspect) for suspect in found.suspects) or "no single session"
            return f"several: « {title} », {found.bits} segments read; it mixes several sessions: {who}"
        session = found.session
        return (
            f"identified: « {title} », session {session.pk} of {session.started_at:%Y-%m-%d %H:%M} UTC, "
            f"{_viewer(session)}; confidence {found.confidence:.9f} from {found.bits} segments"
            f" ({found.seconds:.1f} s)"
        )


def _viewer(session) -> str:
    who = session.user.email if session.user else session.label or "anonymous"
    return f"{session.get_kind_display()} {who}"
