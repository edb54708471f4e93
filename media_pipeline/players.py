"""What a video player loads, in one shape for every page that plays a film: the team's film status, the juror's
blind player and the release pages. Each builds a `Player` from its own addresses (signed URLs from
`delivery.signed_player`, or the app's own addresses on release pages) and renders it with
templates/media_pipeline/_player_media.html."""

from dataclasses import dataclass

HLS_TYPE = "application/vnd.apple.mpegurl"


@dataclass(frozen=True)
class Source:
    """One rendition the player may use. `media` is a media query ("(max-width: 40rem)" for the light one)."""

    url: str
    type: str
    media: str = ""


@dataclass(frozen=True)
class Track:
    """A subtitle track: `language` is its BCP 47 code ("und" when unknown), `label` the name the player shows."""

    url: str
    language: str
    label: str


@dataclass(frozen=True)
class Player:
    """The sources in the order the browser should try them (the light rendition first, for small screens), the
    subtitle tracks, and the poster the player shows before playing ("" for none)."""

    sources: tuple[Source, ...]
    tracks: tuple[Track, ...]
    poster_url: str = ""

    @property
    def screener(self) -> Source | None:
        """The HLS source (a viewing session's opener), when the film's screener is ready."""
        return next((source for source in self.sources if source.type == HLS_TYPE), None)
