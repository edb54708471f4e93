"""A shared cache of the public pages as an anonymous visitor sees them (announcement day: many visitors, few
changes). It never widens or delays what visibility decides:

- only anonymous GETs of pages whose item the view marked public are stored, without any per-visitor content (no
  CSRF token, no cookie set);
- an entry is valid from when it was rendered until the earlier of PUBLIC_PAGE_CACHE_SECONDS and the next
  scheduled release step, blind round's close or consent's end date of any contest, checked against the clock at
  read time (so a step or an end date takes effect at its second, cached or not);
- every change that could alter a page drops every entry at once: each audited change (all release, award, entry
  and pipeline services write an AuditEvent) and any save or delete of the models pages are made from (the admin
  included) bumps a generation number that is part of every key."""

import math
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.http import HttpResponse
from django.utils import timezone, translation

GENERATION_KEY = "releases:public-pages:generation"
# Responses carry this header: "hit" when served from the cache, "miss" when rendered and stored.
STATUS_HEADER = "X-Palmares-Page-Cache"


def _generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY) or 1
    return int(value)


def _incr() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def bump(**_kwargs) -> None:
    """Forget every cached page: now, and again once the transaction commits, so that a page rendered meanwhile
    from the state before the commit is not kept either."""
    _incr()
    transaction.on_commit(_incr)


def _next_change_after(now):
    """The next second at which a page may change by the clock alone: a release step, the close of a blind round
    (from which announcements name the team), or the end date of a person's consent to a use of a film."""
    from contest.models import ConsentRecord
    from judging.models import Round

    from .models import ReleaseStep

    moments = [
        ReleaseStep.objects.filter(at__gt=now, cancelled_at__isnull=True).aggregate(first=Min("at"))["first"],
        Round.objects.filter(closes_at__gte=now, contest__blind_judging=True).aggregate(first=Min("closes_at"))[
            "first"
        ],
        ConsentRecord.objects.filter(given=True, until__gt=now).aggregate(first=Min("until"))["first"],
    ]
    if moments[1] is not None:
        moments[1] += timedelta(microseconds=1)  # a round runs through its closing second (Round.is_open)
    moments = [moment for moment in moments if moment is not None]
    return min(moments) if moments else None


def shared(response, cacheable: bool):
    """Mark a response as the same for every anonymous visitor (the view has checked the item is public)."""
    response.shared_cacheable = cacheable
    return response


def anonymous_page_cache(view):
    """Serve anonymous GETs from the shared cache when the view marked the page shareable; see the module doc."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if not seconds or request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        now = timezone.now()
        key = f"releases:public-page:{_generation()}:{translation.get_language()}:{request.get_full_path()}"
        stored = cache.get(key)
        if stored is not None and stored["since"] <= now < stored["until"]:
            response = HttpResponse(stored["content"], status=stored["status"], content_type=stored["type"])
            response["Cache-Control"] = stored["cache_control"]
            response[STATUS_HEADER] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if (
            getattr(response, "shared_cacheable", False)
            and response.status_code == 200
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_USED")
        ):
            until = now + timedelta(seconds=seconds)
            step = _next_change_after(now)
            if step is not None and step < until:
                until = step
            if until > now:
                value = {
                    "since": now,
                    "until": until,
                    "content": response.content,
                    "status": response.status_code,
                    "type": response["Content-Type"],
                    "cache_control": response.get("Cache-Control", ""),
                }
                cache.set(key, value, timeout=math.ceil((until - now).total_seconds()) + 1)
                response[STATUS_HEADER] = "miss"
        return response

    return wrapper


def connect() -> None:
    """Bump the generation on every audited change and on any write to the models public pages are made from."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for label in ("contest", "judging", "media_pipeline", "releases"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.model_name in ("score", "review", "assignment"):
                continue  # judging's day-to-day writes change no public page
            post_save.connect(bump, sender=model, dispatch_uid=f"page-cache-save-{label}-{model.__name__}")
            post_delete.connect(bump, sender=model, dispatch_uid=f"page-cache-delete-{label}-{model.__name__}")
    m2m_changed.connect(bump, dispatch_uid="page-cache-m2m")
