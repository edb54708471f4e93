"""Next year's edition (contest.editions): each audience vote follows its prize, with its dates moved."""

from contest.editions import EditionCopy
from contest.models import Prize

from .models import AudienceVote


def copy_votes(copy: EditionCopy) -> None:
    """Registered with contest.editions (after the prizes are copied): writes the new contest's AudienceVote rows."""
    prizes = copy.rows.get(Prize._meta.label, {})
    for vote in AudienceVote.objects.filter(contest=copy.old):
        AudienceVote.objects.create(
            contest=copy.new,
            prize=prizes[vote.prize_id],
            electorate=vote.electorate,
            domains=vote.domains,
            opens_at=copy.moved(vote.opens_at),
            closes_at=copy.moved(vote.closes_at),
            require_watched=vote.require_watched,
        )
