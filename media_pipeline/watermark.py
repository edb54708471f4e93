"""The forensic mark of a screener: two variants, A and B, of every segment of a restricted film, that differ by
a mark no viewer notices, and the reading of a copy back into one bit per segment.

The mark of segment i is a smooth pseudo-random field over the picture (a 16 x 9 grid of cells, cubic B-spline
interpolated, so it scales with the picture and survives any rendition, re-encoding or resizing), keyed by a secret,
the film and i, rounded to -1, 0 or +1 luma level where the field is strongest (the edges of each patch dithered, so
that it has no outline): variant A adds it, variant B takes it away. 30% of the pixels are touched, so A and B
differ by a mean squared error of 1.2 (47.3 dB). A copy is read against the film's reference (the unmarked
pictures, 32 x 18 luma averages per frame, taken as the ladder is made): the copy is aligned in time, each frame's
difference from the reference is projected on its segment's mark, and the sign of the projection is the bit. The
projection's noise is measured on decoy marks (keys no variant carries), so each bit carries a z-score and only
bits read with certainty are used; sessions are accused in `accusation.py`."""

import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache

import av
import numpy as np

GRID = (16, 9)  # cells across and down: the mark's finest detail is one cell
DENSITY = 0.3  # share of the pixels the mark touches
SIGNATURE = (32, 18)  # the reference's pictures: luma averages of this many blocks
_TEMPLATE_STEP = 10  # a mark is drawn at 10 x SIGNATURE to see how it looks in a signature
DECOYS = 32
CONFIDENT_Z = 4.5  # a bit is read when its projection stands this many noise deviations from zero


def _seed(secret: bytes, *parts) -> int:
    message = ":".join(str(part) for part in parts).encode()
    return int.from_bytes(hmac.new(secret, message, hashlib.sha256).digest()[:16], "big")


@lru_cache(maxsize=64)
def _spline(size: int, cells: int) -> np.ndarray:
    """Weights (size x cells + 3) of the cubic B-spline through control points at the cell centres (one margin
    point each side), sampled at the centres of `size` pixels."""
    position = (np.arange(size) + 0.5) / size * cells
    distance = np.abs(position[:, None] - (np.arange(-1, cells + 2) + 0.5)[None, :])
    near = 2 / 3 - distance**2 + distance**3 / 2
    far = (2 - distance) ** 3 / 6
    return np.where(distance < 1, near, np.where(distance < 2, far, 0.0)).astype(np.float32)


def mark_field(*, secret: bytes, film: str, segment: int, width: int, height: int, decoy: int = 0) -> np.ndarray:
    """The smooth field (height x width) of one segment of one film; `decoy` > 0 gives the fields no variant
    carries, used to measure a copy's noise."""
    rng = np.random.Generator(np.random.PCG64(_seed(secret, "mark", film, segment, decoy)))
    control = rng.standard_normal((GRID[1] + 3, GRID[0] + 3)).astype(np.float32)
    return _spline(height, GRID[1]) @ control @ _spline(width, GRID[0]).T


_THRESHOLD_SIZE = (80, 45)  # 5 x 5 pixels a cell: enough to measure the share of pixels touched
_EDGE = 0.4  # the mark fades in over |field| from (1 - _EDGE) to (1 + _EDGE) times the threshold


def _bayer(order: int = 3) -> np.ndarray:
    matrix = np.zeros((1, 1))
    for _ in range(order):
        matrix = np.block([[4 * matrix, 4 * matrix + 2], [4 * matrix + 3, 4 * matrix + 1]])
    return (matrix + 0.5) / matrix.size


_DITHER = _bayer().astype(np.float32)


def _strength(field: np.ndarray, threshold: float) -> np.ndarray:
    return np.clip((np.abs(field) - (1 - _EDGE) * threshold) / (2 * _EDGE * threshold), 0, 1)


@lru_cache(maxsize=1024)
def mark_threshold(*, secret: bytes, film: str, segment: int, decoy: int = 0) -> float:
    """The field's value around which the mark fades in: the same at every size, so that every rendition carries
    the same mark, and set so that DENSITY of the pixels are touched."""
    field = mark_field(
        secret=secret, film=film, segment=segment, width=_THRESHOLD_SIZE[0], height=_THRESHOLD_SIZE[1], decoy=decoy
    )
    low, high = 0.0, float(np.abs(field).max())
    for _ in range(24):  # the share touched falls as the threshold rises
        middle = (low + high) / 2
        low, high = (middle, high) if _strength(field, middle).mean() > DENSITY else (low, middle)
    return (low + high) / 2


def mark_levels(field: np.ndarray, threshold: float) -> np.ndarray:
    """The field as the luma steps the mark adds: +1 where it is strongest, -1 where it is weakest, 0 elsewhere,
    the edges of each patch dithered (an 8 x 8 Bayer matrix) so that no patch has an outline."""
    rows, columns = field.shape
    dither = np.tile(_DITHER, (-(-rows // 8), -(-columns // 8)))[:rows, :columns]
    touched = _strength(field, threshold) > dither
    return (np.sign(field) * touched).astype(np.int8)


class Marker:
    """Adds one variant's mark to the pictures of one rendition: `sign` +1 is variant A, -1 is variant B."""

    def __init__(self, *, secret: bytes, film: str, sign: int, width: int, height: int):
        self.secret, self.film, self.sign = secret, film, sign
        self.width, self.height = width, height
        self._segment, self._levels = None, None

    def levels(self, segment: int) -> np.ndarray:
        if segment != self._segment:
            field = mark_field(
                secret=self.secret, film=self.film, segment=segment, width=self.width, height=self.height
            )
            threshold = mark_threshold(secret=self.secret, film=self.film, segment=segment)
            self._segment, self._levels = segment, (mark_levels(field, threshold) * self.sign).astype(np.int8)
        return self._levels

    def mark(self, frame: av.VideoFrame, *, segment: int) -> av.VideoFrame:
        """A copy of `frame` (yuv420p, of the rendition's size) with the segment's mark on its luma. The luma is
        kept within 1..254 on its way into the copy (a step no one sees), so that adding the steps in 8 bits, -1 as
        255 modulo 256, never wraps: the mark costs the ladder two passes over each picture and the copy of its
        colours (bench/transcode.py measures it against the ffmpeg CLI)."""
        marked = av.VideoFrame(self.width, self.height, "yuv420p")
        chroma = (-(-self.height // 2), -(-self.width // 2))
        for index in (1, 2):
            _plane(marked, index, *chroma)[...] = _plane(frame, index, *chroma)
        luma = _plane(marked, 0, self.height, self.width)
        np.clip(_plane(frame, 0, self.height, self.width), 1, 254, out=luma)
        np.add(luma, self.levels(segment).view(np.uint8), out=luma)
        marked.pts = frame.pts
        if frame.time_base is not None:
            marked.time_base = frame.time_base
        return marked


def _plane(frame: av.VideoFrame, index: int, rows: int, columns: int) -> np.ndarray:
    """A writable view of one plane of `frame`'s own buffer, without the padding at the end of its lines."""
    plane = frame.planes[index]
    return np.frombuffer(plane, np.uint8).reshape(rows, plane.line_size)[:, :columns]


_EIGHT_BIT_LUMA = {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12", "gray"}


def luma_blocks(luma: np.ndarray, size: tuple[int, int] = SIGNATURE) -> np.ndarray:
    """The luma plane (rows x columns) averaged into size[1] x size[0] blocks of whole pixels, as float32."""
    rows, columns = luma.shape
    row_starts = np.arange(size[1]) * rows // size[1]
    column_starts = np.arange(size[0]) * columns // size[0]
    sums = np.add.reduceat(np.add.reduceat(luma, row_starts, axis=0, dtype=np.float32), column_starts, axis=1)
    heights = np.diff(np.append(row_starts, rows))
    widths = np.diff(np.append(column_starts, columns))
    return sums / (heights[:, None] * widths[None, :]).astype(np.float32)


def signature(frame: av.VideoFrame) -> np.ndarray:
    """The picture as SIGNATURE luma block averages (float32, rows x columns): what a reference keeps of each
    frame and what a copy is compared on."""
    if frame.format.name not in _EIGHT_BIT_LUMA:
        frame = frame.reformat(format="yuv420p")
    return luma_blocks(_plane(frame, 0, frame.height, frame.width))


@lru_cache(maxsize=4096)
def _template(secret: bytes, film: str, segment: int, decoy: int = 0) -> np.ndarray:
    """A mark as it looks in a signature (flattened, less its mean): variant A's of `segment`, or a decoy's."""
    width, height = SIGNATURE[0] * _TEMPLATE_STEP, SIGNATURE[1] * _TEMPLATE_STEP
    field = mark_field(secret=secret, film=film, segment=segment, width=width, height=height, decoy=decoy)
    blocks = luma_blocks(mark_levels(field, mark_threshold(secret=secret, film=film, segment=segment, decoy=decoy)))
    return (blocks - blocks.mean()).ravel()


@lru_cache(maxsize=16)
def _decoys(secret: bytes, film: str) -> np.ndarray:
    """DECOYS x signature size: marks no variant carries (segment -1), the same for every segment of the film."""
    return np.array([_template(secret, film, -1, decoy) for decoy in range(1, DECOYS + 1)])


@dataclass(frozen=True)
class Reference:
    """What a film's ladder keeps to read copies: each frame's signature, time and segment."""

    signatures: np.ndarray  # frames x rows x columns, float32
    times: np.ndarray  # seconds from the first frame
    segments: np.ndarray  # the segment each frame belongs to

    def save(self, fileobj) -> None:
        np.savez_compressed(
            fileobj,
            signatures=np.round(self.signatures * 16).astype(np.uint16),
            times=self.times.astype(np.float64),
            segments=self.segments.astype(np.int32),
        )

    @classmethod
    def load(cls, fileobj) -> "Reference":
        data = np.load(fileobj)
        return cls(
            signatures=data["signatures"].astype(np.float32) / 16,
            times=data["times"],
            segments=data["segments"],
        )


@dataclass(frozen=True)
class Copy:
    signatures: np.ndarray
    times: np.ndarray


def read_copy(source) -> Copy:
    """Decode a suspected copy (a path or binary file object) into signatures. Raises av.error.FFmpegError when it
    is not a video."""
    signatures, times = [], []
    with av.open(source) as media:
        stream = media.streams.video[0]
        stream.thread_type = "AUTO"
        stream.codec_context.skip_frame = "NONREF"  # B-frames need not be decoded: a segment has enough pictures
        for frame in media.decode(stream):
            if frame.pts is None:
                continue
            signatures.append(signature(frame))
            times.append(float(frame.pts * stream.time_base))
    if not signatures:
        return Copy(np.zeros((0, SIGNATURE[1], SIGNATURE[0]), np.float32), np.zeros(0))
    times = np.array(times)
    order = np.argsort(times, kind="stable")
    return Copy(np.array(signatures)[order], times[order] - times[order][0])


@dataclass(frozen=True)
class Alignment:
    frames: np.ndarray  # for each copy frame, the reference frame it shows, or -1
    matched: float  # the share of the copy's frames that match a reference frame


_FEATURE_RATE = 10  # per second: the coarse alignment compares both films sampled at this rate
_MATCH_RMS = 6.0  # luma levels: a frame whose signature differs more than this from the reference does not match


def _features(signatures: np.ndarray) -> np.ndarray:
    """Frames x 12: the mean luma of 3 x 4 zones, less the frame's mean (robust to brightness changes)."""
    rows, columns = SIGNATURE[1] // 3, SIGNATURE[0] // 4
    zones = signatures.reshape(len(signatures), 3, rows, 4, columns).mean(axis=(2, 4)).reshape(len(signatures), 12)
    return zones - zones.mean(axis=1, keepdims=True)


def _sampled(times: np.ndarray, values: np.ndarray, rate: float) -> np.ndarray:
    ticks = np.arange(0, times[-1] + 1e-9, 1 / rate)
    index = np.clip(np.searchsorted(times, ticks + 0.5 / rate) - 1, 0, len(times) - 1)
    return values[index]


def _best_lag(reference: np.ndarray, copy: np.ndarray) -> int:
    """The shift (in samples, >= -(len(copy) - 1)) of `copy` in `reference` with the least squared difference,
    over the overlap, computed with FFTs."""
    size = 1 << int(np.ceil(np.log2(len(reference) + len(copy))))
    cross = np.zeros(size)
    for column in range(reference.shape[1]):
        spectrum = np.fft.rfft(reference[:, column], size) * np.conj(np.fft.rfft(copy[:, column], size))
        cross += np.fft.irfft(spectrum, size)
    lags = np.arange(-(len(copy) - 1), len(reference))
    products = cross[lags % size]
    ref_energy = np.concatenate([[0.0], np.cumsum((reference**2).sum(axis=1))])
    copy_energy = np.concatenate([[0.0], np.cumsum((copy**2).sum(axis=1))])
    start = np.clip(lags, 0, len(reference))
    end = np.clip(lags + len(copy), 0, len(reference))
    overlap = end - start
    copy_start, copy_end = start - lags, end - lags
    error = ref_energy[end] - ref_energy[start] + copy_energy[copy_end] - copy_energy[copy_start] - 2 * products
    least = max(len(copy) // 4, 2 * _FEATURE_RATE)  # an overlap shorter than this proves nothing
    error = np.where(overlap >= min(least, len(copy)), error / np.maximum(overlap, 1), np.inf)
    best = int(np.argmin(error))
    # A copy is most often the film or a part of it, which lies whole within the film at the right shift. Where the
    # film repeats itself (a loop, a pattern: the samples' test picture), a shift where only part of the copy
    # overlaps may fit as well, by chance a little better: prefer the shifts that hold the whole copy (or the whole
    # film, for a copy that adds to it) unless none fits nearly as well.
    whole = overlap >= min(len(copy), len(reference)) - 2 * _FEATURE_RATE  # within 2 s
    if whole.any():
        best_whole = int(np.argmin(np.where(whole, error, np.inf)))
        if error[best_whole] <= 2 * error[best] + 1e-9:
            best = best_whole
    return int(lags[best])


def align(reference: Reference, copy: Copy) -> Alignment:
    """Which reference frame each frame of the copy shows: a coarse shift found on zone features sampled at 10 Hz,
    then, for each copy frame, the nearest of the reference frames around its time, if it matches at all."""
    if len(copy.signatures) == 0 or len(reference.signatures) == 0:
        return Alignment(np.full(len(copy.signatures), -1), 0.0)
    lag = _best_lag(
        _sampled(reference.times, _features(reference.signatures), _FEATURE_RATE),
        _sampled(copy.times, _features(copy.signatures), _FEATURE_RATE),
    )
    shift = lag / _FEATURE_RATE
    frames = np.full(len(copy.signatures), -1)
    reference_flat = reference.signatures - reference.signatures.mean(axis=(1, 2), keepdims=True)
    copy_flat = copy.signatures - copy.signatures.mean(axis=(1, 2), keepdims=True)
    nearest = np.searchsorted(reference.times, copy.times + shift)
    for index, around in enumerate(nearest):
        candidates = np.arange(max(around - 3, 0), min(around + 3, len(reference.times)))
        if len(candidates) == 0:
            continue
        errors = ((reference_flat[candidates] - copy_flat[index]) ** 2).mean(axis=(1, 2))
        best = int(np.argmin(errors))
        if errors[best] <= _MATCH_RMS**2:
            frames[index] = candidates[best]
    return Alignment(frames, float((frames >= 0).mean()))


@dataclass(frozen=True)
class Reading:
    """What a copy says about each segment of the film: the mark's amplitude (+1 an intact A, -1 an intact B,
    0 none or both averaged) and its z-score against the noise of the copy."""

    segments: np.ndarray  # the segment numbers seen
    amplitudes: np.ndarray
    z: np.ndarray
    matched: float

    @property
    def bits(self) -> dict[int, int]:
        """The segments read with certainty, and their variant: +1 for A, -1 for B."""
        sure = np.abs(self.z) >= CONFIDENT_Z
        return {int(s): int(np.sign(a)) for s, a in zip(self.segments[sure], self.amplitudes[sure], strict=True)}


def read_marks(*, secret: bytes, film: str, reference: Reference, copy: Copy) -> Reading:
    """Project each aligned frame's difference from the reference on its segment's mark and on DECOYS decoy marks;
    average per segment."""
    alignment = align(reference, copy)
    projections: dict[int, list] = {}
    for index, frame in enumerate(alignment.frames):
        if frame < 0:
            continue
        segment = int(reference.segments[frame])
        residual = (copy.signatures[index] - reference.signatures[frame]).ravel()
        residual = residual - residual.mean()
        mark, decoys = _template(secret, film, segment), _decoys(secret, film)
        amplitude = float(residual @ mark) / float(mark @ mark)  # 1 for an intact A
        rest = residual - amplitude * mark  # the decoys measure the noise left once the mark is taken out
        decoys = (decoys @ rest) / (decoys**2).sum(axis=1)
        projections.setdefault(segment, []).append(np.concatenate([[amplitude], decoys]))
    segments = np.array(sorted(projections), dtype=int)
    amplitudes, z = np.zeros(len(segments)), np.zeros(len(segments))
    for position, segment in enumerate(segments):
        mean = np.mean(projections[segment], axis=0)
        noise = float(np.sqrt((mean[1:] ** 2).mean())) or 1e-9
        amplitudes[position], z[position] = mean[0], mean[0] / noise
    return Reading(segments, amplitudes, z, alignment.matched)
