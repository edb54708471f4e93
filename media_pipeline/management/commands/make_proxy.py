"""`manage.py make_proxy IN OUT`: the H.264/AAC viewing copy of a film (and optionally light rendition, posters)."""

import json

from django.core.management.base import BaseCommand, CommandError

from media_pipeline.problems import MediaError
from media_pipeline.transcode import make_proxy


class Command(BaseCommand):
    help = "Transcode a film to the proxy MP4 used for viewing (H.264 yuv420p, AAC stereo 48 kHz, faststart)."

    def add_arguments(self, parser):
        parser.add_argument("source")
        parser.add_argument("out")
        parser.add_argument("--max-lines", type=int, default=1080)
        parser.add_argument("--light", metavar="PATH", help="Also write the ≤ 480-line rendition here.")
        parser.add_argument("--posters", metavar="DIR", help="Write poster JPEGs at 10, 50 and 90 % here.")

    def handle(self, *args, **options):
        try:
            result = make_proxy(
                options["source"],
                options["out"],
                max_lines=options["max_lines"],
                light_path=options["light"],
                poster_dir=options["posters"],
            )
        except MediaError as error:
            raise CommandError(f"{error.code}: {error.message}", returncode=1)
        except FileNotFoundError as error:
            raise CommandError(str(error), returncode=2)
        self.stdout.write(
            json.dumps(
                {
                    "path": str(result.path),
                    "width": result.width,
                    "height": result.height,
                    "frames": result.frames,
                    "duration_s": result.duration_s,
                    "light_path": str(result.light_path) if result.light_path else None,
                    "posters": [str(path) for path in result.posters],
                    "loudness": result.loudness.as_dict() if result.loudness else None,
                    "elapsed_s": result.elapsed_s,
                }
            )
        )
