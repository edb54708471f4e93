"""Viewing rights: whether a viewing session may still be served. The apps that open sessions above the media
pipeline (judging for jurors, releases for the community, share links and the public) each register the check of
their kinds in AppConfig.ready(); the screener's addresses ask it at every request, without importing those apps
(layers go one way). A kind nobody registered is refused: a session is served only while a check says yes."""

from collections.abc import Callable

from .models import ViewingSession

# A right answers, for a session (its film, user, label and grant loaded), whether it may still be served.
Right = Callable[[ViewingSession], bool]

_RIGHTS: dict[str, Right] = {}


def register_viewing_right(kind: str, right: Right) -> None:
    """Register the check of sessions of `kind` (a ViewingSession.Kind). Registering a kind again replaces it."""
    _RIGHTS[kind] = right


def may_still_view(session: ViewingSession) -> bool:
    right = _RIGHTS.get(session.kind)
    return bool(right is not None and right(session))
