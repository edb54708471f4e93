"""Judging demo data for `make run`: a finished pre-selection round and a finished final round, closed before the
palmarès is announced (a blind round still running would forbid naming the winning team). juror1@example.org finds
both rounds with their reviews. Idempotent: running it again changes nothing."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from contest.models import Contest, ContestRole, Entry

from . import selectors, services
from .models import Assignment, Criterion, Review, Round, RoundJuror, Score, Shortlist

CRITERIA = [
    # name fr, name en, guidance fr, guidance en, weight, min, max, step, anchors
    (
        "Message",
        "Message",
        "Le film fait-il comprendre les violences et donne-t-il envie d'agir ?",
        "Does the film make violence understood and make people want to act?",
        Decimal(2),
        Decimal(1),
        Decimal(5),
        Decimal(1),
        {
            "1": {"fr": "Le message est absent ou maladroit.", "en": "The message is missing or clumsy."},
            "3": {"fr": "Le message est clair.", "en": "The message is clear."},
            "5": {"fr": "Le message est juste et bouleversant.", "en": "The message is true and moving."},
        },
    ),
    (
        "Réalisation",
        "Craft",
        "Image, son, montage, jeu.",
        "Picture, sound, editing, acting.",
        Decimal(1),
        Decimal(0),
        Decimal(20),
        Decimal("0.5"),
        {
            "0": {"fr": "Inaudible ou illisible.", "en": "Cannot be heard or followed."},
            "20": {"fr": "Maîtrisé.", "en": "Masterful."},
        },
    ),
    (
        "Respect des personnes",
        "Care for the people shown",
        "Le film évite-t-il de montrer la violence de façon complaisante ?",
        "Does the film avoid showing violence gratuitously?",
        Decimal(1),
        Decimal(1),
        Decimal(5),
        Decimal(1),
        {},
    ),
]

# Pre-selection scores per juror number and entry title (Message, Craft, Care), all submitted.
PRESELECTION_SCORES = {
    (1, "Sans voix"): ("5", "16", "5"),
    (1, "Le Silence des couloirs"): ("4", "12.5", "4"),
    (2, "Sans voix"): ("4", "15", "5"),
    (2, "Derrière l'écran"): ("3", "11", "4"),
    (3, "Le Silence des couloirs"): ("3", "10", "3"),
    (3, "Sans voix"): ("5", "17.5", "5"),
    (1, "Derrière l'écran"): ("3", "9", "4"),
    (2, "Le Silence des couloirs"): ("4", "13", "4"),
}


# Final scores per entry title (Message, Craft, Care): « Sans voix » comes first, as the prize says.
FINAL_SCORES = {
    "Sans voix": ("5", "17", "5"),
    "Le Silence des couloirs": ("4", "13", "4"),
    "Derrière l'écran": ("3", "11", "4"),
}


def _criteria(round: Round) -> list[Criterion]:
    result = []
    for order, (name_fr, name_en, guidance_fr, guidance_en, weight, low, high, step, anchors) in enumerate(CRITERIA):
        criterion, _ = Criterion.objects.get_or_create(
            round=round,
            name_fr=name_fr,
            defaults={
                "name_en": name_en,
                "guidance_fr": guidance_fr,
                "guidance_en": guidance_en,
                "weight": weight,
                "scale_min": low,
                "scale_max": high,
                "step": step,
                "anchors": anchors,
                "order": order,
            },
        )
        result.append(criterion)
    return result


@transaction.atomic
def load_judging_demo(contest: Contest) -> None:
    now = timezone.now()
    organiser = ContestRole.objects.filter(contest=contest, role=ContestRole.Role.ORGANISER).first()
    organiser = organiser.user if organiser else None
    jurors = {
        role.user.email: role.user
        for role in ContestRole.objects.filter(contest=contest, role=ContestRole.Role.JUROR).select_related("user")
    }
    numbered = {number: jurors.get(f"juror{number}@example.org") for number in (1, 2, 3)}

    first, _ = Round.objects.get_or_create(
        contest=contest,
        order=1,
        defaults={
            "name_fr": "Présélection",
            "name_en": "Pre-selection",
            "opens_at": now - timedelta(days=12),
            "closes_at": now - timedelta(days=3),
            "jurors_per_entry": 2,
            "source": Round.Source.ALL,
        },
    )
    final, _ = Round.objects.get_or_create(
        contest=contest,
        order=2,
        defaults={
            "name_fr": "Finale",
            "name_en": "Final",
            "opens_at": now - timedelta(days=2),
            "closes_at": now - timedelta(hours=1),
            "jurors_per_entry": 2,
            "source": Round.Source.SHORTLIST,
            "show_scores_after_own": True,
        },
    )
    first_criteria = _criteria(first)
    final_criteria = _criteria(final)
    for juror in filter(None, numbered.values()):
        RoundJuror.objects.get_or_create(round=first, user=juror)
        RoundJuror.objects.get_or_create(round=final, user=juror)

    by_title = {entry.title: entry for entry in selectors.round_entries(first)}
    if not Assignment.objects.filter(round=first).exists():
        # The finished round: written directly (its dates are past, so the services would refuse the scores).
        for (number, title), values in PRESELECTION_SCORES.items():
            juror, entry = numbered.get(number), by_title.get(title)
            if juror is None or entry is None:
                continue
            if selectors.is_conflicted(round=first, juror_id=juror.pk, entry=entry):
                continue
            assignment = Assignment.objects.create(round=first, juror=juror, entry=entry, created_by=organiser)
            Review.objects.create(
                assignment=assignment,
                status=Review.Status.SUBMITTED,
                watched_seconds=entry.runtime_s or 60,
                duration_seconds=entry.runtime_s or 60,
                submitted_at=first.closes_at - timedelta(days=1),
                private_comment="Démo.",
            )
            Score.objects.bulk_create(
                Score(assignment=assignment, criterion=criterion, value=Decimal(value))
                for criterion, value in zip(first_criteria, values, strict=True)
            )
    if not Shortlist.objects.filter(round=first).exists():
        services.set_shortlist(round=first, entry_ids=[entry.pk for entry in by_title.values()], by=organiser)

    if not Assignment.objects.filter(round=final).exists():
        services.assign_jurors(round=final, by=organiser, seed=2026)
        # juror1 judged every film of the final it is not in conflict with.
        if numbered[1]:
            for entry in Entry.objects.filter(pk__in=selectors.round_entries(final).values("pk")):
                if not selectors.is_conflicted(round=final, juror_id=numbered[1].pk, entry=entry):
                    Assignment.objects.get_or_create(
                        round=final, juror=numbered[1], entry=entry, defaults={"created_by": organiser, "manual": True}
                    )
        # The finished final: every review submitted, written directly as for the pre-selection.
        for assignment in Assignment.objects.filter(round=final).select_related("entry", "juror"):
            number = next((n for n, juror in numbered.items() if juror == assignment.juror), 0)
            values = FINAL_SCORES.get(assignment.entry.title, ("3", "10", "3"))
            Review.objects.create(
                assignment=assignment,
                status=Review.Status.SUBMITTED,
                watched_seconds=assignment.entry.runtime_s or 60,
                duration_seconds=assignment.entry.runtime_s or 60,
                submitted_at=final.closes_at - timedelta(hours=number + 1),
                private_comment="Très juste." if assignment.entry.title == "Sans voix" else "Démo.",
                team_feedback="Merci pour ce film.",
            )
            Score.objects.bulk_create(
                Score(assignment=assignment, criterion=criterion, value=Decimal(value))
                for criterion, value in zip(final_criteria, values, strict=True)
            )
