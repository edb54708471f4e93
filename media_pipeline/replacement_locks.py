"""Replacement locks: the apps above the media pipeline (judging, releases) say when a team may no longer replace
its entry's film alone, because the film was judged, awarded or shown beyond the team. Each registers a lock in
its AppConfig.ready(); the pipeline asks them without importing them (layers go one way)."""

from collections.abc import Callable

from contest.models import Entry

# A lock answers, for an entry, why its film is locked (words for the team), or None when it is not.
Lock = Callable[[Entry], str | None]

_LOCKS: dict[str, Lock] = {}


def register_replacement_lock(code: str, lock: Lock) -> None:
    """Register `lock` under a stable code ("judged", "awarded", "released"). Registering a code again replaces it."""
    _LOCKS[code] = lock


def replacement_lock(entry: Entry) -> tuple[str, str] | None:
    """(code, reason) of the first lock that holds for `entry`, or None when the team may replace its film."""
    for code, lock in _LOCKS.items():
        reason = lock(entry)
        if reason:
            return code, str(reason)
    return None
