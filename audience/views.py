"""The voter's pages: the vote of a prize, the address's verification, the ballot. They work without JavaScript."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.client_ip import client_ip
from contest.models import Entry
from media_pipeline.viewing import browser_of
from releases.permissions import viewer_for

from . import addresses, permissions, services
from .forms import AddressForm
from .models import AudienceBallot, AudienceVote, Voter


def _vote_or_404(contest_slug: str, vote_id: int) -> AudienceVote:
    return get_object_or_404(
        AudienceVote.objects.select_related("contest", "prize"), pk=vote_id, contest__slug=contest_slug
    )


def _session_key(contest_id: int) -> str:
    return f"audience_voter:{contest_id}"


def _watcher(request, vote: AudienceVote) -> permissions.Watcher:
    user = request.user if request.user.is_authenticated else None
    return permissions.Watcher(viewer_for(request.user, vote.contest), user, browser_of(request))


def _voter(request, vote: AudienceVote, *, create: bool = False) -> Voter | None:
    """The voter at this browser: the address verified by a link here, else the signed-in account's own verified
    address (unsaved until its first ballot; saved with `create`)."""
    pk = request.session.get(_session_key(vote.contest_id))
    voter = Voter.objects.filter(pk=pk, contest_id=vote.contest_id).first() if isinstance(pk, int) else None
    if voter is not None:
        return voter
    user = request.user
    if not user.is_authenticated or user.email_verified_at is None:
        return None
    if create:
        return services.community_voter(vote=vote, user=user)
    hashed = addresses.address_hash(user.email)
    found = Voter.objects.filter(contest_id=vote.contest_id, address_hash=hashed).first()
    return found or Voter(
        contest_id=vote.contest_id, address_hash=hashed, domain=addresses.domain_of(user.email), user=user
    )


def _page(request, vote: AudienceVote, *, address_form=None, error: str = "", status: int = 200, sent: bool = False):
    now = timezone.now()
    watcher = _watcher(request, vote)
    voter = _voter(request, vote)
    needs = refusal = None
    if vote.electorate == AudienceVote.Electorate.COMMUNITY and not request.user.is_authenticated:
        needs = "sign_in"
    elif voter is None and vote.electorate == AudienceVote.Electorate.COMMUNITY:
        refusal = _("Verify your account's address first, with the link of the mail you got when you signed up.")
    elif voter is None:
        needs = "verify"
    else:
        refusal = permissions.electorate_refusal(vote, voter, watcher.viewer)
    may_vote = vote.is_open(now) and needs is None and refusal is None
    items, ballot = [], None
    if may_vote:
        ballot = AudienceBallot.objects.filter(vote=vote, voter=voter).first() if voter.pk else None
        for item in permissions.votable(vote, watcher.viewer, at=now):
            items.append(
                {
                    "item": item,
                    "watched": permissions.watched_most(item.entry, watcher) if vote.require_watched else None,
                    "chosen": ballot is not None and ballot.entry_id == item.entry.pk,
                }
            )
    return render(
        request,
        "audience/vote.html",
        {
            "contest": vote.contest,
            "vote": vote,
            "state": "open" if vote.is_open(now) else ("closed" if vote.is_closed(now) else "not_yet"),
            "needs": needs,
            "refusal": refusal,
            "items": items,
            "ballot": ballot,
            "may_vote": may_vote,
            "address_form": address_form or AddressForm(),
            "error": error,
            "sent": sent,
            "link_minutes": settings.AUDIENCE_LINK_MINUTES,
        },
        status=status,
    )


@require_safe
def vote_page(request, contest_slug, vote_id):
    return _page(request, _vote_or_404(contest_slug, vote_id))


@require_POST
def request_link(request, contest_slug, vote_id):
    vote = _vote_or_404(contest_slug, vote_id)
    form = AddressForm(request.POST)
    if not form.is_valid():
        return _page(request, vote, address_form=form, status=400)
    try:
        services.request_link(
            vote=vote,
            address=form.cleaned_data["address"],
            ip=client_ip(request),
            language=translation.get_language(),
        )
    except services.AudienceError as error:
        status = 429 if error.code == "too_many" else 400
        return _page(request, vote, address_form=form, error=error.message, status=status)
    return _page(request, vote, address_form=AddressForm(), sent=True)


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, contest_slug, token):
    """GET shows a button (mail scanners open links; only a person's POST uses it); POST verifies the address."""
    if request.method != "POST":
        return render(request, "audience/confirm.html", {"token": token, "contest_slug": contest_slug})
    try:
        voter, vote = services.confirm_link(token=token)
    except services.AudienceError as error:
        return render(
            request, "audience/confirm.html", {"error": error.message, "contest_slug": contest_slug}, status=400
        )
    if vote.contest.slug != contest_slug:
        raise Http404
    request.session[_session_key(vote.contest_id)] = voter.pk
    messages.success(request, _("Your address is verified: you can vote."))
    return redirect("audience:vote", contest_slug=contest_slug, vote_id=vote.pk)


@require_POST
def cast_ballot(request, contest_slug, vote_id):
    vote = _vote_or_404(contest_slug, vote_id)
    try:
        public_id = uuid.UUID(request.POST.get("entry", ""))
    except ValueError:
        return _page(request, vote, error=_("Choose a film, then vote."), status=400)
    entry = Entry.objects.filter(contest=vote.contest, public_id=public_id).first()
    voter = _voter(request, vote, create=True)
    if voter is None:
        return _page(request, vote, error=_("Verify your address first: the vote's page says how."), status=400)
    if entry is None:
        return _page(request, vote, error=_("This film cannot be voted for (any more)."), status=400)
    try:
        cast = services.cast_ballot(
            vote=vote,
            voter=voter,
            entry=entry,
            watcher=_watcher(request, vote),
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except services.AudienceError as error:
        return _page(request, vote, error=error.message, status=429 if error.code == "too_many" else 400)
    if cast.changed:
        messages.success(
            request,
            _("Your vote for « %(title)s » is recorded. You may change it until the vote closes.")
            % {"title": entry.title},
        )
    return redirect("audience:vote", contest_slug=contest_slug, vote_id=vote.pk)
