"""What a juror's player loads: the entry's `Player` (media_pipeline/players.py), from whichever provider has it."""

from collections.abc import Callable
from dataclasses import replace

from contest.models import Entry
from media_pipeline import jury_cut
from media_pipeline.players import Player

# A provider returns the entry's player, with URLs that name neither the team nor the uploaded file, or None when it
# has no film to play. JudgingConfig.ready() registers the media pipeline's (media_pipeline.delivery.signed_player:
# the light rendition first, then the proxy, and the subtitles, as short-lived signed URLs under random keys).
# A provider takes the entry and the address that opens the juror's viewing session of its screener (HLS).
PLAYER_PROVIDERS: list[Callable[..., Player | None]] = []


def register_player_provider(provider: Callable[..., Player | None]) -> None:
    if provider not in PLAYER_PROVIDERS:
        PLAYER_PROVIDERS.append(provider)


def unregister_player_provider(provider) -> None:
    if provider in PLAYER_PROVIDERS:
        PLAYER_PROVIDERS.remove(provider)


def juror_player(
    entry: Entry, *, screener_url: str | None = None, cut_subtitles_url: str | None = None
) -> Player | None:
    """The player a juror gets for `entry`: the first provider's that has sources; None while the film is being
    prepared. `screener_url` opens the juror's viewing session (views/jury.py jury_screener).

    When the team marked its credits, the jury gets the screener alone, which a juror's session serves cut
    (media_pipeline.jury_cut): no proxy, no light rendition and no poster, which hold the whole film, and the
    subtitles from `cut_subtitles_url`, timed from the cut's start; None until the screener is ready."""
    for provider in PLAYER_PROVIDERS:
        player = provider(entry, screener_url=screener_url)
        if player is not None and player.sources:
            return _cut(player, cut_subtitles_url) if jury_cut.is_marked(entry) else player
    return None


def _cut(player: Player, subtitles_url: str | None) -> Player | None:
    if player.screener is None:
        return None
    tracks = tuple(replace(track, url=subtitles_url) for track in player.tracks if subtitles_url)
    return Player(sources=(player.screener,), tracks=tracks, poster_url="")
