"""Durations in words, as the contest's rules and the media checks' messages say them."""

import math

from django.utils.translation import gettext


def format_duration(seconds: float) -> str:
    """ "20 min 3 s", "1 h 2 min", "45 s"; whole seconds, rounded up so an excess is never shown as zero."""
    total = max(0, math.ceil(seconds - 1e-6))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return gettext("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    if minutes and secs:
        return gettext("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": secs}
    if minutes:
        return gettext("%(minutes)d min") % {"minutes": minutes}
    return gettext("%(seconds)d s") % {"seconds": secs}
