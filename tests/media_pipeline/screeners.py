"""The Debian ffmpeg CLI, as a leaker would use it on a copy."""

import subprocess


def ffmpeg(*arguments) -> None:
    subprocess.run(["ffmpeg", "-y", "-nostdin", "-loglevel", "error", *map(str, arguments)], check=True)
