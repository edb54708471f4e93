"""Release pages: the public palmarès, announcement and film pages, share links, the feed and the sitemap; the
team's consent page (the organisers' tools: organiser_views.py). HTTP only: rules live in permissions, selectors
and services."""

import re
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe
from django.views.defaults import page_not_found

from accounts.actions import perform
from contest.models import Contest, Entry
from contest.permissions import get_team_entry_or_404
from contest.selectors import player_passages
from media_pipeline import delivery, screeners
from media_pipeline.models import ViewingSession
from media_pipeline.players import HLS_TYPE, Player, Source, Track
from media_pipeline.screener_views import open_screener
from media_pipeline.selectors import accepted_film
from media_pipeline.viewing import Viewer

from . import selectors, services
from .models import Release, Target
from .page_cache import anonymous_page_cache, shared
from .permissions import ANONYMOUS, opened_share_link, sign_share_opening, viewer_for
from .title_card import title_card_png

NO_STORE = "private, no-store"


def release_surface(view):
    """Every release response is `private, no-store` unless the view marked it public (anonymous visitor, public
    item); a hidden item answers the site's 404 page, also never stored."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404 as exception:
            response = page_not_found(request, exception)
        if getattr(response, "public_item", False) and not request.user.is_authenticated:
            response["Cache-Control"] = "public, no-cache"
        else:
            response["Cache-Control"] = NO_STORE
        return response

    return wrapper


def _public(response, is_public: bool):
    response.public_item = is_public
    return shared(response, is_public)


def _shown_item(request, contest_slug, public_id) -> tuple[Contest, selectors.Shown]:
    """The contest and the release item as the visitor sees it now; 404 for a missing contest or a hidden item."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    now = timezone.now()
    viewer = viewer_for(request.user, contest, at=now)
    return contest, selectors.shown_release_or_404(viewer, contest=contest, public_id=public_id, at=now)


def _film_context(item: selectors.Shown, media_urls: dict[str, str]) -> dict:
    """The `player` (None while the film is not ready) and what to read before playing. Its film and subtitles are
    the app's own addresses (`media_urls`, one per kind of media), never a signed URL: the page may be shared between
    visitors and kept, while each request of the player is checked again (see release_media). The poster is the
    page's (`_poster_url`), beside the player."""
    entry = item.entry
    context = {
        "warnings": list(entry.content_warnings.all()),
        "resources": list(entry.contest.support_resources.all()),
        "passages": player_passages(entry) if item.film else [],
    }
    found = delivery.playable(entry) if item.film else None
    if found is None:
        context["player"] = None
        return context
    # Captions for everyone who cannot hear the film (WCAG 1.2.2): the pipeline's WebVTT, served like the film.
    tracks = (
        (Track(url=media_urls["subtitles"], language=found.subtitles_language, label=_("Subtitles")),)
        if found.subtitles_key
        else ()
    )
    sources = (Source(url=media_urls["film"], type=found.content_type),)
    if screeners.ready_screener(accepted_film(entry)) is not None:
        sources = (Source(url=media_urls["screener"], type=HLS_TYPE), *sources)
    context["player"] = Player(sources=sources, tracks=tracks)
    return context


def _release_media_urls(item: selectors.Shown) -> dict[str, str]:
    kwargs = {"contest_slug": item.entry.contest.slug, "public_id": item.entry.public_id}
    return {
        "screener": reverse("releases:film_screener", kwargs=kwargs),
        "film": reverse("releases:film_media", kwargs=kwargs),
        "subtitles": reverse("releases:film_subtitles", kwargs=kwargs),
        "poster": reverse("releases:poster", kwargs=kwargs),
    }


def _poster_url(item: selectors.Shown, *, public: bool = False) -> str:
    """The image shown with the item: its poster where the visitor (with `public`, anyone) may watch the film, else
    the neutral title card where the announcement is shown; "" otherwise. The one rule for every page and OpenGraph."""
    if selectors.poster_key(item, public=public):
        return _release_media_urls(item)["poster"]
    if item.public_announcement if public else item.announcement:
        return reverse("releases:title_card")
    return ""


def _opengraph(item: selectors.Shown, request) -> dict:
    """OpenGraph is read by anonymous previewers: its image follows what anyone may see, whoever renders the page."""
    return {"og_url": settings.SITE_URL + request.path, "og_image": settings.SITE_URL + _poster_url(item, public=True)}


@anonymous_page_cache
@release_surface
@require_GET
def palmares(request, contest_slug):
    contest = get_object_or_404(Contest, slug=contest_slug)
    now = timezone.now()
    viewer = viewer_for(request.user, contest, at=now)
    data = selectors.palmares(viewer, contest=contest, at=now)
    response = render(request, "releases/palmares.html", {"contest": contest, **data})
    return _public(response, data["public"])


@anonymous_page_cache
@release_surface
@require_GET
def film_list(request, contest_slug):
    """The films the visitor may both read about and watch ("All released films": nothing listed there fails to
    play for them); `?q=` searches their titles."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    now = timezone.now()
    query = request.GET.get("q", "")[:100]
    viewer = viewer_for(request.user, contest, at=now)
    items = [
        item
        for item in selectors.shown_releases(viewer, contest=contest, at=now, query=query)
        if item.announcement and item.film
    ]
    response = render(request, "releases/film_list.html", {"contest": contest, "items": items, "query": query})
    return _public(response, all(item.public_announcement and item.public_film for item in items))


@anonymous_page_cache
@release_surface
@require_GET
def announcement(request, contest_slug, public_id):
    contest, item = _shown_item(request, contest_slug, public_id)
    if not item.announcement:
        raise Http404
    response = render(
        request,
        "releases/announcement.html",
        {
            "contest": contest,
            "item": item,
            "poster_url": _poster_url(item),
            "og": item.public_announcement,
            **_opengraph(item, request),
        },
    )
    return _public(response, item.public_announcement)


@anonymous_page_cache
@release_surface
@require_GET
def film(request, contest_slug, public_id):
    contest, item = _shown_item(request, contest_slug, public_id)
    if not item.film:
        raise Http404
    response = render(
        request,
        "releases/film.html",
        {
            "contest": contest,
            "item": item,
            "og": item.public_film and item.public_announcement,
            "poster_url": _poster_url(item),
            "screening_viewer": request.user.email if request.user.is_authenticated else "",
            **_opengraph(item, request),
            **_film_context(item, _release_media_urls(item)),
        },
    )
    # Never stored by browsers or proxies (a film page is where playback starts, and it must stop with the film);
    # the server may share it between anonymous visitors, since it holds no signed URL.
    _public(response, False)
    return shared(response, item.public_film and item.public_announcement)


def _signed_redirect(item: selectors.Shown, kind: str):
    found = selectors.media_of(item, kind)
    if found is None:
        raise Http404
    key, content_type = found
    return redirect(
        delivery.signed_media_url(key=key, content_type=content_type, seconds=settings.MEDIA_REDIRECT_SECONDS)
    )


@release_surface
@require_safe
def release_media(request, contest_slug, public_id, kind):
    """The app's stable address of a film, its subtitles or its poster (`kind`): visibility is checked at each
    request of the player, then a URL signed for MEDIA_REDIRECT_SECONDS answers, so that unpublishing or a withdrawn
    consent cuts playback within seconds."""
    _contest, item = _shown_item(request, contest_slug, public_id)
    return _signed_redirect(item, kind)


@release_surface
@require_safe
def share_media(request, token, kind):
    """As release_media, for the page a share link opened: `?opening=` proves that page spent a view."""
    _link, item = _opened_share_item(request, token)
    return _signed_redirect(item, kind)


def _opened_share_item(request, token):
    """The share link whose page `?opening=` proves was opened, and its item as the link holder sees it now; 404
    for a link revoked, expired or used up since, or an item it no longer shows."""
    link = opened_share_link(token, request.GET.get("opening"))
    if link is None:
        raise Http404
    contest = link.release.contest
    now = timezone.now()
    viewer = viewer_for(request.user, contest, link_token=token, at=now)
    item = selectors.shown_release_or_404(viewer, contest=contest, public_id=link.release.entry.public_id, at=now)
    return link, item


def _open_screener(request, item: selectors.Shown, *, link=None):
    """A viewing session of the item's film for this visitor, as what lets them watch it: the public (one sequence
    for everyone, naming nobody), a share link (its label), or their own account (community, team, jury,
    organisers). 404 when they may not watch it or its screener is not ready."""
    if selectors.media_of(item, "film") is None:
        raise Http404
    user = request.user if request.user.is_authenticated else None
    if item.public_film:
        viewer = Viewer(kind=ViewingSession.Kind.PUBLIC, user=user, grant=f"release:{item.release.pk}")
    elif link is not None:
        viewer = Viewer(kind=ViewingSession.Kind.SHARE, user=user, label=link.label, grant=f"share:{link.pk}")
    elif user is not None:
        viewer = Viewer(kind=ViewingSession.Kind.COMMUNITY, user=user, grant=f"release:{item.release.pk}")
    else:
        raise Http404
    return open_screener(request, film=accepted_film(item.entry), viewer=viewer)


@release_surface
@require_safe
def release_screener(request, contest_slug, public_id):
    """The film's screener (HLS): visibility is checked as for release_media, then a viewing session opens."""
    _contest, item = _shown_item(request, contest_slug, public_id)
    return _open_screener(request, item)


@release_surface
@require_safe
def share_screener(request, token):
    """As release_screener, for the page a share link opened (`?opening=` proves it spent a view)."""
    link, item = _opened_share_item(request, token)
    return _open_screener(request, item, link=link)


@require_GET
def title_card(request):
    """The neutral image that stands in for a poster the visitor may not see: the same bytes for everyone."""
    response = HttpResponse(title_card_png(), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@release_surface
@require_http_methods(["GET", "POST"])
def share(request, token):
    """A share link. GET (what link previewers and prefetchers send) shows a page that names nothing of the film,
    with an "Open the film" button; only that POST, with its CSRF token, counts one view and shows the film.
    A revoked, expired or used-up link is 404."""
    if request.method == "GET":
        link = selectors.share_link_to_open(token)
        if link is None:
            raise Http404
        response = render(request, "releases/share_open.html", {"contest": link.release.contest})
        response["Referrer-Policy"] = "no-referrer"
        return response
    link = services.open_share_link(token=token)
    if link is None:
        raise Http404
    contest = link.release.contest
    now = timezone.now()
    viewer = viewer_for(request.user, contest, link_token=token, at=now)
    item = selectors.shown_release_or_404(viewer, contest=contest, public_id=link.release.entry.public_id, at=now)
    opening = urlencode({"opening": sign_share_opening(link)})
    media_urls = {
        kind: f"{reverse(f'releases:share_{kind}', kwargs={'token': token})}?{opening}"
        for kind in (*selectors.MEDIA_KINDS, "screener")
    }
    context = {"contest": contest, "item": item, "shared": True, "og": False, "screening_viewer": link.label}
    if item.film:
        context.update(_film_context(item, media_urls))
    if selectors.poster_key(item):
        context["poster_url"] = media_urls["poster"]
    elif item.announcement:
        context["poster_url"] = reverse("releases:title_card")
    response = render(request, "releases/film.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response


# XML 1.0 allows tab, newline and carriage return, and no other control character (a synopsis is multi-line text).
XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _feed_text(text: str) -> str:
    return XML_UNSAFE.sub("", text)


class TextAtom1Feed(Atom1Feed):
    """Atom whose summaries are `type="text"`: a team's synopsis is words, never markup that a feed reader would run.
    (Django's Atom1Feed declares every summary `type="html"`.) Titles are Atom's default, text."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"]:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class ContestFeed(Feed):
    """Atom feed of a contest's public announcements, as text."""

    feed_type = TextAtom1Feed

    def get_object(self, request, contest_slug):
        return get_object_or_404(Contest, slug=contest_slug)

    def title(self, contest):
        return _feed_text(_("Palmarès · %(contest)s") % {"contest": contest.title})

    # Absolute URLs from SITE_URL: Django would otherwise complete them with the request's Host header.
    def link(self, contest):
        return settings.SITE_URL + reverse("releases:palmares", kwargs={"contest_slug": contest.slug})

    def feed_url(self, contest):
        return settings.SITE_URL + reverse("releases:feed", kwargs={"contest_slug": contest.slug})

    def items(self, contest):
        items = selectors.shown_releases(ANONYMOUS, contest=contest, at=timezone.now())
        return sorted(
            (item for item in items if item.public_announcement), key=lambda item: item.published_at, reverse=True
        )

    def item_title(self, item):
        prizes = ", ".join(award.prize.name for award in item.awards)
        return _feed_text(f"{item.entry.title} — {prizes}" if prizes else item.entry.title)

    def item_description(self, item):
        citations = " ".join(award.citation for award in item.awards if award.citation)
        return _feed_text(" ".join(part for part in (citations, item.entry.synopsis) if part))

    def item_link(self, item):
        return settings.SITE_URL + reverse(
            "releases:announcement", kwargs={"contest_slug": item.entry.contest.slug, "public_id": item.entry.public_id}
        )

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at


@release_surface
@require_GET
def feed(request, contest_slug):
    return _public(ContestFeed()(request, contest_slug=contest_slug), True)


@release_surface
@require_GET
def sitemap(request):
    items = selectors.public_items(at=timezone.now())
    urls = []
    contests = {}
    for item in items:
        kwargs = {"contest_slug": item.entry.contest.slug, "public_id": item.entry.public_id}
        if item.public_announcement:
            urls.append((reverse("releases:announcement", kwargs=kwargs), item.published_at))
            if item.awards:
                contests[item.entry.contest.slug] = max(
                    item.published_at, contests.get(item.entry.contest.slug, item.published_at)
                )
        if item.public_film:
            urls.append((reverse("releases:film", kwargs=kwargs), item.film_step.at))
    urls += [(reverse("releases:palmares", kwargs={"contest_slug": slug}), at) for slug, at in contests.items()]
    response = render(
        request,
        "releases/sitemap.xml",
        {"urls": [(settings.SITE_URL + path, at) for path, at in sorted(urls)]},
        content_type="application/xml",
    )
    return _public(response, True)


@login_required
@require_POST
def subscribe(request, contest_slug):
    contest = get_object_or_404(Contest, slug=contest_slug)
    services.set_subscription(contest=contest, user=request.user, subscribed=request.POST.get("subscribed") == "1")
    messages.success(request, _("Your choice is saved."))
    return redirect("releases:palmares", contest_slug=contest.slug)


# The team


def _team_release(request, contest_slug, public_id) -> tuple[Contest, Entry, Release]:
    contest = get_object_or_404(Contest, slug=contest_slug)
    entry = get_team_entry_or_404(request.user, contest, public_id)
    return contest, entry, get_object_or_404(Release, entry=entry)


def _back_to_team_release(contest, entry):
    return redirect("releases:team_release", contest_slug=contest.slug, public_id=entry.public_id)


@login_required
@release_surface
@require_POST
def team_release_approve(request, contest_slug, public_id):
    contest, entry, release = _team_release(request, contest_slug, public_id)
    ids = [
        int(value) for value in request.POST.getlist("step") if value.isascii() and value.isdigit() and len(value) <= 18
    ]
    return perform(
        request,
        lambda: services.approve_film_steps(release=release, step_ids=ids, by=request.user),
        success=_("Thank you: your approval is recorded."),
        redirect_to=_back_to_team_release(contest, entry),
    )


@login_required
@release_surface
@require_POST
def team_release_withdraw_approval(request, contest_slug, public_id):
    contest, entry, release = _team_release(request, contest_slug, public_id)
    return perform(
        request,
        lambda: services.withdraw_film_approval(release=release, by=request.user),
        success=_("Your approval is withdrawn: the film is no longer shown beyond the jury."),
        redirect_to=_back_to_team_release(contest, entry),
    )


@login_required
@release_surface
@require_POST
def team_release_show_team_name(request, contest_slug, public_id):
    contest, entry, release = _team_release(request, contest_slug, public_id)
    return perform(
        request,
        lambda: services.set_team_name_shown(release=release, show=request.POST.get("show") == "1", by=request.user),
        success=_("Your choice is saved."),
        redirect_to=_back_to_team_release(contest, entry),
    )


@login_required
@release_surface
@require_safe
def team_release(request, contest_slug, public_id):
    """The team reads exactly what will be shown to whom and from when, and gives or withdraws its approval (each
    with its own URL and view, above)."""
    contest, entry, release = _team_release(request, contest_slug, public_id)
    steps = list(release.steps.filter(cancelled_at__isnull=True).order_by("at", "id"))
    return render(
        request,
        "releases/team_release.html",
        {
            "contest": contest,
            "entry": entry,
            "release": release,
            "film_steps": [step for step in steps if step.target == Target.FILM],
            "announcement_steps": [step for step in steps if step.target == Target.ANNOUNCEMENT],
            "pending": services.pending_approvals(release),
            "approved": [step for step in steps if step.approved_at],
            "now": timezone.now(),
        },
    )
