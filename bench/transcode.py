"""Bench: make_proxy (PyAV, one pass) against the `ffmpeg` CLI with the same settings on the same 1080p film:
H.264 veryfast CRF 23 yuv420p, AAC 160k 48 kHz stereo, loudness measured, +faststart, no metadata.
Last line: one JSON object."""

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import av  # noqa: E402

from media_pipeline import samples  # noqa: E402
from media_pipeline.transcode import make_proxy  # noqa: E402

FFMPEG = "/usr/bin/ffmpeg"
TARGET_RATIO = 1.05
RUNS = 2


def ffmpeg_command(source: Path, out: Path) -> list[str]:
    return [
        FFMPEG, "-y", "-v", "error", "-nostdin", "-i", str(source),
        "-map", "0:v:0", "-map", "0:a:0", "-map_metadata", "-1", "-fflags", "+bitexact",
        "-vf", "scale=1920:1080:flags=bicubic,format=yuv420p",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-profile:v", "high",
        "-af", "aresample=48000,aformat=channel_layouts=stereo,ebur128=peak=true",
        "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2",
        "-movflags", "+faststart", str(out),
    ]  # fmt: skip


def frame_count(path: Path) -> int:
    with av.open(str(path)) as media:
        return sum(1 for _ in media.demux(media.streams.video[0]) if _.size)


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-transcode-"))
    try:
        source = samples.make_film(
            folder / "source_1080p.mp4",
            duration_s=12,
            width=1920,
            height=1080,
            fps=25,
            video_options={"preset": "veryfast", "crf": "18"},
        )
        pyav_times, cli_times, pyav_cpu, cli_cpu = [], [], [], []
        for _ in range(RUNS):
            started, cpu = time.perf_counter(), time.process_time()
            result = make_proxy(source, folder / "proxy.mp4", max_lines=1080)
            pyav_times.append(time.perf_counter() - started)
            pyav_cpu.append(time.process_time() - cpu)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(ffmpeg_command(source, folder / "cli.mp4"), check=True, capture_output=True)
            cli_times.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cli_cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        started = time.perf_counter()
        make_proxy(
            source, folder / "full.mp4", max_lines=1080, light_path=folder / "light.mp4", poster_dir=folder / "posters"
        )
        full_pass = time.perf_counter() - started
        frames = frame_count(folder / "proxy.mp4")
        pyav, cli = min(pyav_times), min(cli_times)
        figures = {
            "bench": "transcode",
            "source": "1920x1080 25 fps, 12 s, H.264 + AAC",
            "frames": frames,
            "cli_frames": frame_count(folder / "cli.mp4"),
            "pyav_s": round(pyav, 3),
            "ffmpeg_s": round(cli, 3),
            "ratio": round(pyav / cli, 3),
            "cpu_s": {"pyav": round(min(pyav_cpu), 3), "ffmpeg": round(min(cli_cpu), 3)},
            "cpu_ratio": round(min(pyav_cpu) / min(cli_cpu), 3),
            "load_average": os.getloadavg()[0],
            "pyav_fps": round(frames / pyav, 1),
            "ffmpeg_fps": round(frames / cli, 1),
            "proxy_bytes": (folder / "proxy.mp4").stat().st_size,
            "cli_bytes": (folder / "cli.mp4").stat().st_size,
            "loudness": result.loudness.as_dict() if result.loudness else None,
            "with_light_and_posters_s": round(full_pass, 3),
            "targets": {"ratio": f"<= {TARGET_RATIO}"},
        }
        figures["ok"] = figures["ratio"] <= TARGET_RATIO and frames == figures["cli_frames"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
