"""Who may vote for what, at a given second, and who may read a count. Every audience page asks here."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from contest.permissions import is_organiser
from media_pipeline.selectors import accepted_film
from media_pipeline.viewing import delivered_share
from releases.permissions import Viewer
from releases.selectors import shown_releases

from . import addresses
from .models import AudienceVote, Voter

WATCHED_SHARE = 0.8  # "most of the film", as for a juror's review


@dataclass(frozen=True)
class Watcher:
    """The person at the browser, as the release rule and the player's evidence know them."""

    viewer: Viewer
    user: object | None  # the signed-in user, or None
    browser_hash: str  # media_pipeline.viewing.browser_of(request)


def electorate_refusal(vote: AudienceVote, voter: Voter, viewer: Viewer) -> str | None:
    """Why `voter` may not vote in `vote`, in words; None when they may."""
    if vote.electorate == AudienceVote.Electorate.COMMUNITY and not (voter.user_id and viewer.community):
        return _("This vote is for the contest's community: sign in with the account the organisers know you by.")
    if vote.electorate == AudienceVote.Electorate.DOMAINS and not addresses.in_domains(
        voter.domain, vote.domain_list()
    ):
        return _("Only addresses at %(domains)s may vote for this prize.") % {"domains": ", ".join(vote.domain_list())}
    return None


def votable(vote: AudienceVote, viewer: Viewer, *, at: datetime):
    """The releases whose film `viewer` may watch at `at`: the only films they may vote for."""
    return [item for item in shown_releases(viewer, contest=vote.contest, at=at) if item.film]


def votable_entry_ids(vote: AudienceVote, viewer: Viewer, *, at: datetime) -> set[int]:
    return {item.entry.pk for item in votable(vote, viewer, at=at)}


def watched_most(entry, watcher: Watcher) -> bool | None:
    """Whether the server delivered most of the entry's film to this person; None when it cannot tell."""
    share = delivered_share(film=accepted_film(entry), user=watcher.user, browser_hash=watcher.browser_hash)
    return None if share is None else share >= WATCHED_SHARE


def tally_visible(vote: AudienceVote, user, *, at: datetime) -> bool:
    """The count is read by the contest's organisers, from the close's second on; by nobody before."""
    return vote.is_closed(at) and is_organiser(user, vote.contest)
