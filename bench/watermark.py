"""Bench: the screeners' forensic mark. How far A and B differ (PSNR of the luma, before and after encoding), how
often a session's copy, attacked with the ffmpeg CLI, names that session, how often anything names an innocent
(random readings, other films' keys, unmarked copies: at least 1,000 trials against 100,000 sessions), and the
seconds a trace takes for a copy of TRACE_MINUTES minutes. `--frames DIR` also writes the README's pictures.
Last line: one JSON object."""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import av  # noqa: E402
import numpy as np  # noqa: E402

from media_pipeline import accusation, ladder, samples, watermark  # noqa: E402

FFMPEG = "/usr/bin/ffmpeg"
SECRET = b"the bench's key of the screeners' mark"
FILM = "film-bench"
SESSIONS = range(1, 100_001)
GUILTY = (101, 20_202, 99_999)
RUNGS = ((1920, 1080), (1280, 720), (854, 480), (640, 360))
ATTACKS = {
    "as_fetched": None,
    "480p_crf30": ([], ["-vf", "scale=-2:480", "-crf", "30"]),
    "720p_crf28": ([], ["-vf", "scale=-2:720", "-crf", "28"]),
    "trimmed_5s_both_ends": (["-ss", "5"], ["-t", "52", "-vf", "scale=-2:480", "-crf", "30"]),
    "25_to_30_fps": ([], ["-vf", "fps=30,scale=-2:480", "-crf", "30"]),
}
RANDOM_TRIALS = 1000
WRONG_FILMS = 20
TARGET_MARK_PSNR_DB = 45.0
TARGET_TRACE_S = 60.0  # for a 10-minute copy


def ffmpeg(*arguments) -> None:
    subprocess.run([FFMPEG, "-y", "-nostdin", "-loglevel", "error", *map(str, arguments)], check=True)


def attacked(source: Path, folder: Path, name: str) -> Path:
    if ATTACKS[name] is None:
        return source
    before, after = ATTACKS[name]
    out = folder / f"{source.stem}-{name}.mp4"
    ffmpeg(*before, "-i", source, *after, "-c:v", "libx264", "-preset", "veryfast", "-an", out)
    return out


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    error = float(((a.astype(np.float64) - b) ** 2).mean())
    return 10 * np.log10(255**2 / error) if error else float("inf")


def luma(frame: av.VideoFrame) -> np.ndarray:
    return frame.to_ndarray(format="yuv420p")[: frame.height]


def mark_psnr() -> dict:
    """A against B on a mid-grey picture of each rung, over 10 segments (the mark does not depend on the picture,
    but where the picture is black or white and the mark is clipped, where it is smaller)."""
    figures = {}
    for width, height in RUNGS:
        grey = av.VideoFrame.from_ndarray(np.full((height * 3 // 2, width), 128, np.uint8), format="yuv420p")
        values = []
        for segment in range(10):
            a, b = (
                watermark.Marker(secret=SECRET, film=FILM, sign=sign, width=width, height=height).mark(
                    grey, segment=segment
                )
                for sign in (1, -1)
            )
            values.append(psnr(luma(a), luma(b)))
        figures[f"{height}p"] = round(float(min(values)), 2)
    return figures


def decoded_psnr(source: Path, variants: Path) -> dict:
    """After encoding (CRF 23): A against B, and A against the unmarked source, over the first 5 segments."""
    with av.open(str(source)) as media:
        original = [luma(frame) for _, frame in zip(range(125), media.decode(video=0), strict=False)]
    decoded = {}
    for name in ("a", "b"):
        pictures = []
        for segment in range(5):
            with av.open(str(variants / name / f"seg{segment:05d}.ts")) as media:
                pictures += [luma(frame) for frame in media.decode(video=0)]
        decoded[name] = pictures[: len(original)]
    return {
        "a_vs_b_db": round(float(np.mean([psnr(a, b) for a, b in zip(decoded["a"], decoded["b"], strict=True)])), 2),
        "a_vs_source_db": round(float(np.mean([psnr(a, o) for a, o in zip(decoded["a"], original, strict=True)])), 2),
    }


def trace(reference, path, codebook, *, film=FILM) -> accusation.Verdict:
    reading = watermark.read_marks(secret=SECRET, film=film, reference=reference, copy=watermark.read_copy(str(path)))
    return accusation.accuse(reading.bits, codebook)


def write_frames(folder: Path) -> None:
    """A smooth, nearly flat picture (the hardest place to hide a mark) in variants A and B, and their difference
    magnified 40 times around mid-grey, as PNG files."""
    folder.mkdir(parents=True, exist_ok=True)
    graph = av.filter.Graph()
    source = graph.add("gradients", "size=1280x720:c0=0x6a7f95:c1=0x7d8c99:nb_colors=2:speed=0:duration=1")
    sink = graph.add("buffersink")
    source.link_to(sink)
    graph.configure()
    picture = graph.pull().reformat(format="yuv420p")
    marked = {
        name: watermark.Marker(secret=SECRET, film=FILM, sign=sign, width=1280, height=720).mark(picture, segment=0)
        for name, sign in (("a", 1), ("b", -1))
    }
    difference = luma(marked["a"]).astype(np.int16) - luma(marked["b"])
    magnified = np.clip(128 + 40 * difference, 0, 255).astype(np.uint8)
    pictures = {**marked, "difference-x40": av.VideoFrame.from_ndarray(magnified, format="gray")}
    for name, frame in pictures.items():
        encoder = av.CodecContext.create("png", "w")
        encoder.width, encoder.height, encoder.pix_fmt = frame.width, frame.height, "rgb24"
        packets = encoder.encode(frame.reformat(format="rgb24")) + encoder.encode(None)
        (folder / f"screener-{name}.png").write_bytes(b"".join(bytes(packet) for packet in packets))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trace-minutes", type=float, default=10.0)
    parser.add_argument("--frames", type=Path)
    options = parser.parse_args()
    if options.frames:
        write_frames(options.frames)
    folder = Path(tempfile.mkdtemp(prefix="bench-watermark-"))
    figures: dict = {"mark_psnr_db": mark_psnr()}
    print("mark PSNR A/B (dB):", figures["mark_psnr_db"], flush=True)

    source = samples.make_film(folder / "source.mp4", duration_s=62, width=640, height=360, audio=False)
    screener = ladder.make_ladder(source, folder / "ladder", secret=SECRET, film=FILM)
    reference = screener.reference
    figures["decoded_psnr"] = decoded_psnr(source, folder / "ladder" / str(screener.rungs[0].lines))
    print("decoded PSNR:", figures["decoded_psnr"], flush=True)
    codebook = accusation.Codebook(secret=SECRET, film=FILM, sessions=SESSIONS, segments=len(reference.segments))

    copies = {
        s: samples.screener_session_copy(screener, folder / f"session-{s}.ts", secret=SECRET, film=FILM, session=s)
        for s in GUILTY
    }
    named, detection = 0, {}
    for session, copy in copies.items():
        for attack in ATTACKS:
            verdict = trace(reference, attacked(copy, folder, attack), codebook)
            right = verdict.verdict == "identified" and [s.session for s in verdict.suspects] == [session]
            named += right
            detection[f"{session}/{attack}"] = f"{verdict.verdict} {[s.session for s in verdict.suspects]}"
            print(f"  session {session}, {attack}: {detection[f'{session}/{attack}']}", flush=True)
    figures["detected"] = f"{named}/{len(detection)}"

    pair = GUILTY[:2]
    averaged, spliced = folder / "averaged.mp4", folder / "spliced.mp4"
    ffmpeg("-i", copies[pair[0]], "-i", copies[pair[1]], "-filter_complex", "[0:v][1:v]blend=all_mode=average",
           "-c:v", "libx264", "-preset", "veryfast", "-an", averaged)  # fmt: skip
    ffmpeg("-i", copies[pair[0]], "-i", copies[pair[1]], "-filter_complex",
           "[0:v]trim=0:31,setpts=PTS-STARTPTS[a];[1:v]trim=31:62,setpts=PTS-STARTPTS[b];[a][b]concat=n=2:v=1[v]",
           "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-an", spliced)  # fmt: skip
    mixes = {name: trace(reference, path, codebook) for name, path in (("averaged", averaged), ("spliced", spliced))}
    figures["mixes"] = {name: f"{v.verdict} {[s.session for s in v.suspects]}" for name, v in mixes.items()}
    mixes_ok = all(
        v.verdict in ("identified", "several") and {s.session for s in v.suspects} <= set(pair) for v in mixes.values()
    )
    print("mixes:", figures["mixes"], flush=True)

    innocents = 0
    rng = np.random.default_rng(2026)
    for _ in range(RANDOM_TRIALS):
        length = int(rng.integers(40, 62))
        start = int(rng.integers(0, 62 - length + 1))
        bits = {start + i: int(b) for i, b in enumerate(rng.choice([-1, 1], length))}
        innocents += accusation.accuse(bits, codebook).verdict == "identified"
    for number in range(WRONG_FILMS):
        film = f"another-film-{number}"
        # the population of the accusation stays 100,000: 1,000 codewords are enough to be accused
        other_book = accusation.Codebook(secret=SECRET, film=film, sessions=range(1, 1001), segments=codebook.segments)
        innocents += trace(reference, copies[GUILTY[0]], other_book, film=film).verdict == "identified"
    unmarked = [attacked(source, folder, attack) for attack in ATTACKS]
    innocents += sum(trace(reference, path, codebook).verdict == "identified" for path in unmarked)
    trials = RANDOM_TRIALS + WRONG_FILMS + len(unmarked)
    figures["false_identifications"] = f"{innocents}/{trials}"
    print("false identifications:", figures["false_identifications"], flush=True)

    long_source = samples.make_film(
        folder / "long.mp4", duration_s=options.trace_minutes * 60, width=640, height=360, audio=False
    )
    long_ladder = ladder.make_ladder(long_source, folder / "long", secret=SECRET, film=FILM)
    long_reference = long_ladder.reference
    long_copy = samples.screener_session_copy(
        long_ladder, folder / "long-session.ts", secret=SECRET, film=FILM, session=GUILTY[2], lines=360
    )
    leaked = attacked(long_copy, folder, "480p_crf30")
    started = time.process_time(), time.monotonic()
    long_book = accusation.Codebook(
        secret=SECRET, film=FILM, sessions=SESSIONS, segments=int(long_reference.segments[-1]) + 1
    )
    verdict = trace(long_reference, leaked, long_book)
    trace_s = round(time.monotonic() - started[1], 1)
    figures["trace"] = {
        "copy_minutes": options.trace_minutes,
        "seconds": trace_s,
        "cpu_seconds": round(time.process_time() - started[0], 1),
        "verdict": f"{verdict.verdict} {[s.session for s in verdict.suspects]}",
    }
    print("trace:", figures["trace"], flush=True)
    reference_bytes = folder / "long-reference.npz"
    with open(reference_bytes, "wb") as out:
        long_reference.save(out)
    figures["reference_kb_per_minute"] = round(reference_bytes.stat().st_size / 1024 / options.trace_minutes, 1)

    targets = {
        "mark_psnr_db_min": TARGET_MARK_PSNR_DB,
        "detected": "all",
        "false_identifications": 0,
        "trials_min": 1000,
        "trace_s_for_10_min": TARGET_TRACE_S,
    }
    trace_ok = verdict.verdict == "identified" and [s.session for s in verdict.suspects] == [GUILTY[2]]
    ok = (
        min(figures["mark_psnr_db"].values()) >= TARGET_MARK_PSNR_DB
        and named == len(detection)
        and mixes_ok
        and innocents == 0
        and trials >= 1000
        and trace_ok
        and trace_s * 10 / options.trace_minutes < TARGET_TRACE_S
    )
    print(json.dumps({"bench": "watermark", **figures, "targets": targets, "ok": ok}))


if __name__ == "__main__":
    main()
