"""What a vote gives a prize: the jury's final vote (here) and votes of apps above judging (the audience vote,
registered in its AppConfig.ready()). The awards page fills its form from it, and record_award asks for a reason
when the jury chooses otherwise: both ask `proposal_for`."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from contest.models import Entry, Prize

from . import final_vote


@dataclass(frozen=True)
class Proposal:
    entry: Entry
    source: str  # "final_vote" | "audience_vote"
    # For record_award's refusal: "… gives this prize to %(code)s. Say why the jury chose otherwise."
    reason_needed: str


_SOURCES: list[Callable[..., Proposal | None]] = []


def register_award_proposal(source: Callable[..., Proposal | None]) -> None:
    """`source(prize=…)` answers the Proposal of a vote that decided the prize, or None."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def proposal_for(*, prize: Prize) -> Proposal | None:
    """The closed vote's choice for `prize`: the jury's final vote first, then the registered votes."""
    entry = final_vote.vote_choice(prize=prize)
    if entry is not None:
        return Proposal(
            entry, "final_vote", _("The final vote gives this prize to %(code)s. Say why the jury chose otherwise.")
        )
    for source in _SOURCES:
        proposal = source(prize=prize)
        if proposal is not None:
            return proposal
    return None
