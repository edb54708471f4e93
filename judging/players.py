"""What a juror's player loads: the entry's renditions and subtitles, from whichever provider has them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext

from contest.models import Entry


@dataclass(frozen=True)
class Source:
    """One rendition the player may use. `media` is a media query ("(max-width: 40rem)" for the light one)."""

    url: str
    type: str = "video/mp4"
    media: str = ""


@dataclass(frozen=True)
class Track:
    url: str
    language: str
    label: str


# The media pipeline registers a function here that returns the entry's proxy renditions (light first) and
# subtitle tracks, with URLs that name neither the team nor the uploaded file.
SOURCE_PROVIDERS: list[Callable[[Entry], tuple[list[Source], list[Track]]]] = []


def register_source_provider(provider: Callable[[Entry], tuple[list[Source], list[Track]]]) -> None:
    if provider not in SOURCE_PROVIDERS:
        SOURCE_PROVIDERS.append(provider)


def unregister_source_provider(provider) -> None:
    if provider in SOURCE_PROVIDERS:
        SOURCE_PROVIDERS.remove(provider)


def pipeline_sources(entry: Entry) -> tuple[list[Source], list[Track]]:
    """The media pipeline's renditions of `entry` (the light one first, for small screens, then the proxy) and its
    subtitles, as short-lived signed URLs that name neither the team nor the uploaded file (storage keys are
    random). Registered at start-up by JudgingConfig.ready()."""
    from media_pipeline import delivery

    player = delivery.signed_player(entry)
    if player is None:
        return [], []
    sources = [Source(url=source["url"], type=source["type"], media=source["media"]) for source in player["sources"]]
    subtitles = player["subtitles"]
    tracks = (
        [Track(url=subtitles["url"], language=subtitles["language"], label=gettext("Subtitles"))] if subtitles else []
    )
    return sources, tracks


def playable_sources(entry: Entry) -> tuple[list[Source], list[Track]]:
    """The renditions and subtitles a juror's player offers for `entry`; ([], []) while the film is being prepared."""
    for provider in SOURCE_PROVIDERS:
        sources, tracks = provider(entry)
        if sources:
            return sources, tracks
    return [], []
