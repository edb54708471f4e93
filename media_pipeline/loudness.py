"""EBU R128 / ITU-R BS.1770 loudness through FFmpeg's `ebur128` filter: K-weighting, 400 ms blocks, absolute
(-70 LUFS) and relative (-10 LU) gating, true peak with 4x oversampling. Fed frame by frame so the transcode and the
full probe measure loudness in the pass they already make."""

import math
from dataclasses import dataclass
from fractions import Fraction

import av
import av.filter


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float | None  # None when every block is gated out (silence)
    true_peak_dbtp: float | None  # None for digital silence

    def as_dict(self) -> dict:
        return {"integrated_lufs": self.integrated_lufs, "true_peak_dbtp": self.true_peak_dbtp}


class LoudnessMeter:
    """Feed decoded audio frames with `add(frame)`; `result()` flushes and returns the programme's Loudness."""

    def __init__(self):
        self._graph = None
        self._integrated = None
        self._true_peak = 0.0
        self._samples = 0

    def _build(self, frame: av.AudioFrame) -> None:
        self._graph = av.filter.Graph()
        source = self._graph.add_abuffer(
            sample_rate=frame.sample_rate,
            format=frame.format.name,
            layout=frame.layout.name,
            time_base=Fraction(1, frame.sample_rate),
        )
        meter = self._graph.add("ebur128", "metadata=1:peak=true")
        sink = self._graph.add("abuffersink")
        source.link_to(meter)
        meter.link_to(sink)
        self._graph.configure()

    def _drain(self) -> None:
        while True:
            try:
                frame = self._graph.pull()
            except (av.error.BlockingIOError, av.error.EOFError):
                return
            metadata = frame.metadata
            if "lavfi.r128.I" in metadata:
                self._integrated = float(metadata["lavfi.r128.I"])
            if "lavfi.r128.true_peak" in metadata:
                self._true_peak = max(self._true_peak, float(metadata["lavfi.r128.true_peak"]))

    def add(self, frame: av.AudioFrame) -> None:
        if self._graph is None:
            self._build(frame)
        # The meter needs monotonic timestamps of its own, whatever the source's were.
        frame.pts = self._samples
        frame.time_base = Fraction(1, frame.sample_rate)
        self._samples += frame.samples
        self._graph.push(frame)
        self._drain()

    def result(self) -> Loudness:
        if self._graph is not None:
            self._graph.push(None)
            self._drain()
        integrated = self._integrated
        if integrated is None or integrated <= -70.0 or math.isnan(integrated):
            integrated = None
        true_peak = round(20 * math.log10(self._true_peak), 2) if self._true_peak > 0 else None
        return Loudness(integrated_lufs=None if integrated is None else round(integrated, 2), true_peak_dbtp=true_peak)


def measure_loudness(path_or_fileobj) -> Loudness:
    """Loudness of the first audio stream of a media file (decodes all of its audio)."""
    meter = LoudnessMeter()
    with av.open(path_or_fileobj if not hasattr(path_or_fileobj, "__fspath__") else str(path_or_fileobj)) as media:
        if not media.streams.audio:
            return Loudness(integrated_lufs=None, true_peak_dbtp=None)
        for frame in media.decode(media.streams.audio[0]):
            meter.add(frame)
    return meter.result()
