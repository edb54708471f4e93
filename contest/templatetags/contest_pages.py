"""For the error pages: the contest an address belongs to, so that a "not found" page can offer a way back to it."""

import re

from django import template

from contest.models import Contest

register = template.Library()

_CONTEST_PATH = re.compile(r"^/(?:c|palmares)/(?P<slug>[-a-zA-Z0-9_]+)/")


@register.simple_tag
def contest_of_path(path: str | None) -> Contest | None:
    """The contest whose pages `path` is under (/c/<slug>/…, /palmares/<slug>/…), if it exists; None otherwise.
    Every contest has a public page, so naming it reveals nothing that its own page would not."""
    match = _CONTEST_PATH.match(path or "")
    if match is None:
        return None
    return Contest.objects.filter(slug=match["slug"]).first()
