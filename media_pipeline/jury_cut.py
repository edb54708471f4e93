"""The jury's cut of a screener. A blind round must not read the names in a film's credits, so a juror's viewing
session is served only the segments between the end of the opening credits and the start of the closing credits, as
the team marked them (contest.Entry.opening_credits_end_s, closing_credits_start_s). Segments last SEGMENT_S and
start on a keyframe, so the cut falls on whole segments inside the film: from the first segment that starts at or
after the opening credits' end to the last one that ends at or before the closing credits' start. Never a frame of
the credits; at most a segment of film less at each end.

The stored screener is the same for everyone (the team, the organisers and the public get it whole): what changes is
what a juror's playlists list and what their segment addresses answer, at every request, so that a team's new marks
hold at once. A juror's player counts from the cut's start: its time t is the film's `offset_s + t`."""

import math
from dataclasses import dataclass

from contest.models import Entry

from .ladder import SEGMENT_S
from .models import Film
from .screeners import ready_screener


@dataclass(frozen=True)
class Cut:
    """Segments [first, stop) of a screener, the part a juror is served."""

    first: int
    stop: int

    @property
    def offset_s(self) -> float:
        """Where the served part starts, in seconds of the whole film."""
        return self.first * SEGMENT_S

    @property
    def end_s(self) -> float:
        """Where the served part ends, in seconds of the whole film."""
        return self.stop * SEGMENT_S


def is_marked(entry: Entry) -> bool:
    """Whether the team marked credits: the jury then plays the cut screener only, never the whole proxy."""
    return entry.opening_credits_end_s is not None or entry.closing_credits_start_s is not None


def jury_cut(entry: Entry, segments: int) -> Cut | None:
    """The cut of a rendition of `segments` segments, for the jury; None when the team marked no credits. Marks
    beyond the film (a runtime declared wrong) still leave one segment, so that a playlist is never empty."""
    if not is_marked(entry) or segments <= 0:
        return None
    opening, closing = entry.opening_credits_end_s, entry.closing_credits_start_s
    stop = segments if closing is None else min(segments, math.floor(closing / SEGMENT_S + 1e-6))
    stop = max(stop, 1)
    first = 0 if opening is None else math.ceil(opening / SEGMENT_S - 1e-6)
    return Cut(first=min(first, stop - 1), stop=stop)


def cut_of_screener(entry: Entry, film: Film | None) -> Cut | None:
    """The jury's cut of `film`'s ready marked screener (the one jurors are served); None when the team marked no
    credits or the screener is not ready."""
    if film is None or not is_marked(entry):
        return None
    screener = ready_screener(film)
    if screener is None or not screener.rungs:
        return None
    return jury_cut(entry, len(screener.rungs[0]["segments"]))
