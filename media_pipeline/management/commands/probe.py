"""`manage.py probe PATH`: check a film against media rules. Exit 0 accepted, 1 rejected, 2 usage error."""

import json
import os
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from media_pipeline.probe import MediaRules, probe_path


class Command(BaseCommand):
    help = "Check a film file: container, codecs, duration, picture size, sound; --full decodes every frame."

    def add_arguments(self, parser: CommandParser):
        parser.add_argument("path")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument("--full", action="store_true", help="Decode every frame; measure loudness.")
        parser.add_argument("--max-duration", type=float, metavar="S")
        parser.add_argument("--min-duration", type=float, metavar="S")
        parser.add_argument("--min-resolution", type=int, metavar="PX")
        parser.add_argument("--require-audio", action="store_true")
        parser.add_argument("--max-size", type=int, metavar="BYTES")
        parser.add_argument("--language", default=None)

    def handle(self, *args, **options):
        path = options["path"]
        if not os.path.isfile(path):
            self.stderr.write(f"probe: no such file: {path}")
            sys.exit(2)
        rules = MediaRules(
            max_duration_s=options["max_duration"],
            min_duration_s=options["min_duration"],
            min_resolution_px=options["min_resolution"],
            audio_required=options["require_audio"],
            max_size_bytes=options["max_size"],
        )
        try:
            report = probe_path(path, rules=rules, full=options["full"], language=options["language"])
        except OSError as error:
            raise CommandError(str(error), returncode=2)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(f"{report.verdict}: {path}")
            video = report.video or {}
            self.stdout.write(
                f"  {report.container} {report.duration_s} s, {video.get('codec')} "
                f"{video.get('display_width')}×{video.get('display_height')}, audio {report.audio}"
            )
            for problem in report.problems:
                self.stdout.write(f"  problem {problem.code}: {problem.message}")
            for warning in report.warnings:
                self.stdout.write(f"  warning {warning.code}: {warning.message}")
            if report.loudness:
                self.stdout.write(f"  loudness {report.loudness}, {report.decoded_frames} frames decoded")
        sys.exit(0 if report.verdict == "accepted" else 1)
