import zoneinfo

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .models import Contest


def contest_time_zone(slug: str) -> str:
    key = f"contest-tz:{slug}"
    name = cache.get(key)
    if name is None:
        name = Contest.objects.filter(slug=slug).values_list("time_zone", flat=True).first() or settings.TIME_ZONE
        cache.set(key, name, 300)
    return name


class ContestTimeZoneMiddleware:
    """Pages under /c/<contest_slug>/ show and read times in that contest's zone; others in TIME_ZONE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.activate(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("contest_slug")
        timezone.activate(zoneinfo.ZoneInfo(contest_time_zone(slug) if slug else settings.TIME_ZONE))
