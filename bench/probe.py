"""Bench: the in-process PyAV probe against the `ffprobe` CLI on the same films, and the bytes a probe reads from S3
(moto server on 127.0.0.1) for a ≥ 1 GB film whose index is at the end. Last line: one JSON object."""

import json
import os
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import boto3  # noqa: E402
from boto3.s3.transfer import TransferConfig  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

from media_pipeline import samples  # noqa: E402
from media_pipeline.containers import iso_top_level_boxes  # noqa: E402
from media_pipeline.probe import MediaRules, probe_media, probe_path  # noqa: E402
from media_pipeline.readers import S3RangeReader  # noqa: E402

FFPROBE = "/usr/bin/ffprobe"
RULES = MediaRules(max_duration_s=15 * 60, min_duration_s=1, min_resolution_px=180, audio_required=True)
TARGET_RATIO = 1.0  # in-process probe no slower than spawning ffprobe
TARGET_S3_FRACTION = 0.02
TARGET_SIZE = 1024**3


def best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def pad_mdat(source: Path, destination: Path, *, total_size: int) -> None:
    """Grow the film's mdat with unused bytes so the file reaches `total_size`, index still at the end. Sample
    offsets stay valid: the padding follows the last sample inside mdat."""
    size = source.stat().st_size
    with open(source, "rb") as fileobj:
        boxes, _ = iso_top_level_boxes(fileobj, size)
    assert [box[0] for box in boxes][-2:] == ["mdat", "moov"], boxes
    _, mdat_offset, mdat_size = boxes[-2]
    padding = total_size - size
    assert mdat_size + padding < 2**32
    chunk = bytes(8 * 1024 * 1024)
    with open(source, "rb") as src, open(destination, "wb") as out:
        out.write(src.read(mdat_offset))
        header = src.read(8)
        out.write(struct.pack(">I", mdat_size + padding) + header[4:])
        out.write(src.read(mdat_size - 8))
        remaining = padding
        while remaining:
            out.write(chunk[: min(len(chunk), remaining)])
            remaining -= min(len(chunk), remaining)
        out.write(src.read())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-probe-"))
    figures = {}
    try:
        films = {
            "h264_1080p.mp4": samples.make_film(folder / "h264_1080p.mp4", duration_s=10, width=1920, height=1080),
            "hevc_720p.mp4": samples.make_hevc(folder / "hevc_720p.mp4", duration_s=5, width=1280, height=720),
            "vp9_720p.webm": samples.make_vp9(folder / "vp9_720p.webm", duration_s=5, width=1280, height=720),
            "moov_at_end.mp4": samples.make_moov_at_end(folder / "moov_at_end.mp4", duration_s=10),
        }
        per_file = {}
        for name, path in films.items():
            pyav = best_of(5, lambda path=path: probe_path(path, rules=RULES))
            command = [FFPROBE, "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)]
            cli = best_of(5, lambda command=command: subprocess.run(command, check=True, capture_output=True))
            per_file[name] = {"pyav_s": round(pyav, 4), "ffprobe_s": round(cli, 4), "ratio": round(pyav / cli, 3)}
        ratio = statistics.median(entry["ratio"] for entry in per_file.values())
        figures["probe_vs_ffprobe"] = per_file
        figures["probe_ratio_median"] = ratio

        # A 15-minute film with its index at the end, grown past 1 GB, probed through ranged S3 reads.
        started = time.perf_counter()
        long_film = samples.make_moov_at_end(
            folder / "long.mp4", duration_s=15 * 60, width=320, height=180, fps=25, video_options={"g": "50"}
        )
        big = folder / "big.mp4"
        pad_mdat(long_film, big, total_size=TARGET_SIZE + 4096)
        long_film.unlink()
        figures["big_film_made_s"] = round(time.perf_counter() - started, 1)
        port = free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        try:
            client = boto3.client(
                "s3",
                endpoint_url=f"http://127.0.0.1:{port}",
                region_name="us-east-1",
                aws_access_key_id="bench",
                aws_secret_access_key="bench",
            )
            client.create_bucket(Bucket="bench")
            client.upload_file(
                str(big), "bench", "films/big.mp4", Config=TransferConfig(multipart_chunksize=64 * 1024 * 1024)
            )
            size = big.stat().st_size
            big.unlink()
            reader = S3RangeReader(client=client, bucket="bench", key="films/big.mp4")
            started = time.perf_counter()
            report = probe_media(reader, rules=RULES, size_bytes=reader.size)
            figures["s3_probe"] = {
                "size_bytes": size,
                "verdict": report.verdict,
                "problems": report.problem_codes,
                "duration_s": report.duration_s,
                "bytes_fetched": reader.bytes_fetched,
                "requests": reader.requests,
                "fraction_read": round(reader.bytes_fetched / size, 5),
                "probe_s": round(time.perf_counter() - started, 3),
            }
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    s3 = figures["s3_probe"]
    ok = ratio <= TARGET_RATIO and s3["fraction_read"] <= TARGET_S3_FRACTION and s3["verdict"] == "accepted"
    print(json.dumps(per_file, indent=1))
    print(
        json.dumps(
            {
                "bench": "probe",
                **figures,
                "targets": {"probe_ratio_median": f"<= {TARGET_RATIO}", "s3_fraction_read": f"<= {TARGET_S3_FRACTION}"},
                "ok": ok,
            }
        )
    )


if __name__ == "__main__":
    main()
