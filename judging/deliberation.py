"""Reads of the jury's deliberation: who follows it (the round's active jurors and the organisers), who leads it
(the contest's jury president), and its state as every follower's screen shows it: the round's ranking with its
flags, the entry being discussed, the decisions taken. Nothing of the teams; a juror's page leaves out the entries
they are in conflict with."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from contest.permissions import is_organiser

from .models import Deliberation, JuryPresident, Review, Round
from .selectors import entries_hidden_from, round_results


def president_of(contest):
    found = JuryPresident.objects.filter(contest=contest).select_related("user").first()
    return found.user if found else None


def is_president(contest, user) -> bool:
    return user.is_authenticated and JuryPresident.objects.filter(contest=contest, user=user).exists()


def can_follow(round: Round, user) -> bool:
    """The round's active jurors and the contest's organisers follow its deliberation."""
    if not user.is_authenticated:
        return False
    return is_organiser(user, round.contest) or round.jurors.filter(active=True, user=user).exists()


def ranking(round: Round, viewer) -> list[dict]:
    """The round's ranked entries as the deliberation shows them, each with its flags."""
    unwatched = set(
        Review.objects.filter(assignment__round=round, flagged_unwatched=True).values_list(
            "assignment__entry", flat=True
        )
    )
    return [
        {
            "entry": row["entry"],
            "rank": row["result"].rank,
            "mean": row["result"].mean,
            "disagreement": row["result"].disagreement,
            "unwatched": row["entry"]["pk"] in unwatched,
        }
        for row in round_results(round=round, viewer=viewer)["rows"]
        if row["result"].rank is not None
    ]


def leanings(round: Round, viewer) -> list[dict]:
    """Jurors whose scores lean (lenient or severe) against the round's, with their names: the jury knows itself."""
    return [
        {"user": row["user"], "leaning": row["result"].leaning}
        for row in round_results(round=round, viewer=viewer)["jurors"]
        if row["result"].leaning in ("lenient", "severe")
    ]


def state(deliberation: Deliberation, viewer) -> dict:
    """What every follower's screen shows, as JSON: the entry discussed, the decisions, and when it last changed."""
    hidden = entries_hidden_from(round=deliberation.round, viewer=viewer)
    current = deliberation.current_entry if deliberation.current_entry_id not in hidden else None
    with timezone.override(deliberation.round.contest.tzinfo):
        decisions = [
            {
                "kind": decision.kind,
                "text": decision_text(decision),
                "at": date_format(timezone.localtime(decision.at), "DATETIME_FORMAT"),
            }
            for decision in deliberation.decisions.select_related("entry", "prize")
            if decision.entry_id not in hidden
        ]
    return {
        "open": deliberation.closed_at is None,
        "version": deliberation.changed_at.isoformat(),
        "current": {"code": current.code, "title": current.title} if current else None,
        "decisions": decisions,
    }


def decision_text(decision) -> str:
    entry = f"{decision.entry.code} · {decision.entry.title}" if decision.entry else ""
    if decision.kind == decision.Kind.SHORTLIST:
        return gettext("%(entry)s shortlisted") % {"entry": entry}
    if decision.kind == decision.Kind.PRIZE:
        return gettext("%(entry)s proposed for %(prize)s") % {"entry": entry, "prize": decision.prize.name}
    return gettext("No %(prize)s awarded") % {"prize": decision.prize.name}
