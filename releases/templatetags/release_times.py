"""Release times and states for templates, including those of lower apps (a tag library is looked up by name at
render time, not imported): `{{ step.at|to_the_second }}`, and `{% announcement_state entry as state %}` for the
awards page, which must say whether the palmarès shows a prize yet."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from releases import selectors

register = template.Library()


@register.filter
def to_the_second(moment):
    """A step's time as it takes effect, to the second, in the active (the contest's) time zone."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    return _("%(date)s at %(time)s") % {"date": date_format(local, "DATE_FORMAT"), "time": time_format(local, "H:i:s")}


@register.simple_tag
def announcement_state(entry) -> selectors.AnnouncementState:
    return selectors.announcement_state(entry, at=timezone.now())
