"""Bench: make_proxy (PyAV, one pass) against the `ffmpeg` CLI with the same settings on the same 1080p film:
H.264 veryfast CRF 23 yuv420p, AAC 160k 48 kHz stereo, loudness measured, +faststart, no metadata. Then the
screener ladder (make_ladder: 1080/720/480/360 lines, 1-second HLS segments on aligned keyframes, the sound apart),
marked (variants A and B of every rung) and plain, against one `ffmpeg` command writing the same renditions with
the same encoder settings (the CLI cannot mark: its two variants are two identical encodes). CPU seconds, all
threads, the best of RUNS. Last line: one JSON object."""

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

from media_pipeline import ladder, samples  # noqa: E402
from media_pipeline.transcode import make_proxy  # noqa: E402

FFMPEG = "/usr/bin/ffmpeg"
TARGET_RATIO = 1.05
TARGET_LADDER_CPU_RATIO = 1.1
SECRET = b"the bench's key of the screeners' mark"
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


def ffmpeg_ladder_command(source: Path, folder: Path, *, variants: int) -> list[str]:
    """The screener ladder as ladder.make_ladder writes it (rungs, x264 settings, keyframes at every second, HLS
    muxer options), `variants` identical encodes of each rung, and the sound as its own 1-second HLS rendition."""
    with av.open(str(source)) as media:
        stream = media.streams.video[0]
        sizes = ladder.rung_sizes(stream.width, stream.height)
    graph = [f"[0:v]split={len(sizes)}" + "".join(f"[r{index}]" for index in range(len(sizes)))]
    for index, (_, width, height) in enumerate(sizes):
        labels = "".join(f"[v{index}_{variant}]" for variant in range(variants))
        graph.append(f"[r{index}]scale={width}:{height}:flags=bicubic,format=yuv420p,split={variants}{labels}")
    command = [FFMPEG, "-y", "-v", "error", "-nostdin", "-i", str(source), "-filter_complex", ";".join(graph)]

    def hls(out: Path, segment_s: float) -> list[str]:
        out.mkdir(parents=True, exist_ok=True)
        return ["-f", "hls", "-hls_time", str(segment_s), "-hls_playlist_type", "vod",
                "-hls_flags", "independent_segments", "-hls_segment_filename", str(out / "seg%05d.ts"),
                str(out / "index.m3u8")]  # fmt: skip

    for index, (lines, _, _) in enumerate(sizes):
        rate = ladder.peak_rate(lines)
        for variant in range(variants):
            command += [
                "-map", f"[v{index}_{variant}]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
                "-profile:v", "high" if lines > 480 else "main", "-maxrate", str(rate), "-bufsize", str(2 * rate),
                "-forced-idr", "1", "-x264-params", "scenecut=0:keyint=infinite:open-gop=0",
                "-force_key_frames", f"expr:gte(t,n_forced*{ladder.SEGMENT_S})",
                *hls(folder / str(lines) / str(variant), ladder.SEGMENT_S / 2),
            ]  # fmt: skip
    command += ["-map", "0:a:0", "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2"]
    return command + hls(folder / "audio", ladder.SEGMENT_S)


def run_child(command: list[str]) -> tuple[float, float]:
    """Run `command`; its wall-clock and CPU seconds (all its threads)."""
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def segment_count(folder: Path) -> int:
    return len(list(folder.glob("*/*/seg*.ts")))


def ladder_figures(source: Path, folder: Path) -> dict:
    """The best CPU seconds of RUNS for each of: the marked ladder, the plain one, and the CLI's with 2 and 1
    variants; the ratios; and the segments each wrote (the same cut, or the comparison is not fair)."""
    figures = {}
    for name, secret, variants in (("marked", SECRET, 2), ("plain", None, 1)):
        pyav_cpu, cli_cpu = [], []
        for _ in range(RUNS):
            shutil.rmtree(folder / "ladder", ignore_errors=True)
            shutil.rmtree(folder / "cli-ladder", ignore_errors=True)
            cpu = time.process_time()
            made = ladder.make_ladder(source, folder / "ladder", secret=secret, film="film-bench")
            pyav_cpu.append(time.process_time() - cpu)
            cli_cpu.append(run_child(ffmpeg_ladder_command(source, folder / "cli-ladder", variants=variants))[1])
        figures[name] = {
            "rungs": [rung.lines for rung in made.rungs],
            "segments": segment_count(folder / "ladder"),
            "cli_segments": segment_count(folder / "cli-ladder"),
            "bytes": sum(rung.size for rung in made.rungs),
            "cpu_s": {"pyav": round(min(pyav_cpu), 3), "ffmpeg": round(min(cli_cpu), 3)},
            "cpu_ratio": round(min(pyav_cpu) / min(cli_cpu), 3),
        }
        print(f"ladder, {name}:", figures[name], flush=True)
    return figures


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
            wall, cpu = run_child(ffmpeg_command(source, folder / "cli.mp4"))
            cli_times.append(wall)
            cli_cpu.append(cpu)
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
            "ladder": ladder_figures(source, folder),
            "targets": {"ratio": f"<= {TARGET_RATIO}", "ladder_cpu_ratio": f"<= {TARGET_LADDER_CPU_RATIO}"},
        }
        figures["ok"] = (
            figures["ratio"] <= TARGET_RATIO
            and frames == figures["cli_frames"]
            and all(
                made["cpu_ratio"] <= TARGET_LADDER_CPU_RATIO and made["segments"] == made["cli_segments"]
                for made in figures["ladder"].values()
            )
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
