"""Read queries for judging: which entries a round judges, who is in conflict, the juror's queue, results."""

from datetime import datetime

from django.db.models import Count, Exists, F, FloatField, OuterRef, QuerySet, Sum
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, gettext

from accounts.models import User
from contest.models import Contest, ContestRole, Entry, Prize, TeamMember
from media_pipeline.models import Film
from media_pipeline.problems import format_duration
from media_pipeline.selectors import accepted_film

from . import discussion, pace
from .models import (
    Assignment,
    Award,
    Conflict,
    ContentOptOut,
    Criterion,
    JurorMailPreference,
    Review,
    Round,
    RoundJuror,
    Score,
    Shortlist,
    score_input_value,
    score_level,
)
from .results import Results, ReviewTotal, compute_results, weighted_total
from .robustness import ranking_robustness, robustness_text

# Rounds and entries


def previous_round(round: Round) -> Round | None:
    return Round.objects.filter(contest_id=round.contest_id, order__lt=round.order).order_by("-order").first()


def round_entries(round: Round) -> QuerySet[Entry]:
    """The entries this round judges: submitted entries, or those the previous round shortlisted."""
    entries = Entry.objects.filter(contest_id=round.contest_id, status=Entry.Status.SUBMITTED)
    if round.source == Round.Source.SHORTLIST:
        previous = previous_round(round)
        if previous is None:
            return entries.none()
        entries = entries.filter(pk__in=Shortlist.objects.filter(round=previous).values("entry_id"))
    return entries


def active_juror_ids(round: Round) -> list[int]:
    return list(RoundJuror.objects.filter(round=round, active=True).values_list("user_id", flat=True))


def forbidden_pairs(*, contest_id: int, round: Round, juror_ids, entries: QuerySet[Entry]) -> set[tuple[int, int]]:
    """(juror, entry) pairs that must never meet: declared conflicts (entry, team, institution), conflicts derived
    from the rosters (member of the team; same institution when the round asks) and content opt-outs.
    Five queries whatever the numbers."""
    juror_ids = set(juror_ids)
    rows = list(entries.values_list("pk", "team_id", "team__institution_id"))
    entry_ids = [pk for pk, _, _ in rows]
    bad_entries: dict[int, set[int]] = {juror: set() for juror in juror_ids}
    bad_teams: dict[int, set[int]] = {juror: set() for juror in juror_ids}
    bad_institutions: dict[int, set[int]] = {juror: set() for juror in juror_ids}
    bad_warnings: dict[int, set[int]] = {juror: set() for juror in juror_ids}
    for juror, kind, entry, team, institution in Conflict.objects.filter(
        contest_id=contest_id, juror_id__in=juror_ids
    ).values_list("juror_id", "kind", "entry_id", "team_id", "institution_id"):
        if kind == Conflict.Kind.ENTRY:
            bad_entries[juror].add(entry)
        elif kind == Conflict.Kind.TEAM:
            bad_teams[juror].add(team)
        else:
            bad_institutions[juror].add(institution)
    for juror, team in TeamMember.objects.filter(team__contest_id=contest_id, user_id__in=juror_ids).values_list(
        "user_id", "team_id"
    ):
        bad_teams[juror].add(team)
    if round.conflicts_by_institution:
        for juror, institution in ContestRole.objects.filter(
            contest_id=contest_id, user_id__in=juror_ids, institution__isnull=False
        ).values_list("user_id", "institution_id"):
            bad_institutions[juror].add(institution)
    for juror, warning in ContentOptOut.objects.filter(contest_id=contest_id, juror_id__in=juror_ids).values_list(
        "juror_id", "content_warning_id"
    ):
        bad_warnings[juror].add(warning)
    warnings_of: dict[int, set[int]] = {}
    if any(bad_warnings.values()):
        for entry, warning in Entry.content_warnings.through.objects.filter(entry_id__in=entry_ids).values_list(
            "entry_id", "contentwarning_id"
        ):
            warnings_of.setdefault(entry, set()).add(warning)
    pairs = set()
    for juror in juror_ids:
        if not (bad_entries[juror] or bad_teams[juror] or bad_institutions[juror] or bad_warnings[juror]):
            continue
        for entry, team, institution in rows:
            if (
                entry in bad_entries[juror]
                or team in bad_teams[juror]
                or institution in bad_institutions[juror]
                or (bad_warnings[juror] & warnings_of.get(entry, set()))
            ):
                pairs.add((juror, entry))
    return pairs


def is_conflicted(*, round: Round, juror_id: int, entry: Entry) -> bool:
    entries = Entry.objects.filter(pk=entry.pk)
    return bool(forbidden_pairs(contest_id=round.contest_id, round=round, juror_ids=[juror_id], entries=entries))


# The juror's side


def juror_rounds(user, contest) -> QuerySet[Round]:
    return Round.objects.filter(contest=contest, jurors__user=user, jurors__active=True).order_by("order")


def juror_only_round(user, contest) -> Round | None:
    """The one round the juror sits on, whose queue is then their jury home; None when they sit on several (the
    jury home lists them) or on none."""
    rounds = list(juror_rounds(user, contest)[:2])
    return rounds[0] if len(rounds) == 1 else None


def film_durations(entry_ids) -> dict[int, float]:
    """Each entry's film duration as the media pipeline probed it: that of its accepted film (the latest ready one,
    as media_pipeline.selectors.accepted_film says), never the runtime the team typed. One query."""
    durations: dict[int, float] = {}
    rows = (
        Film.objects.filter(entry_id__in=list(entry_ids), state=Film.State.READY)
        .order_by("entry_id", "-created_at", "-id")
        .values_list("entry_id", "duration_s")
    )
    for entry_id, duration in rows:
        if entry_id not in durations:
            durations[entry_id] = duration
    return {entry_id: duration for entry_id, duration in durations.items() if duration}


def film_duration_text(entry: Entry) -> str:
    """« 5 s », « 1 min 30 s »: the accepted film's probed duration, or "" while it is not known."""
    duration = film_durations([entry.pk]).get(entry.pk)
    return format_duration(duration) if duration else ""


def watched_text(review: Review | None) -> str:
    """« Visionné : 42 % » once the player reported, else ""."""
    if review is None or review.watched_share is None:
        return ""
    return gettext("Watched: %(percent)d %%") % {"percent": round(review.watched_share * 100)}


def known_duration(entry: Entry) -> float | None:
    """The film's length as the server knows it: the media pipeline's probe of the accepted film, or else the
    runtime the team declared. Never what a juror's player says."""
    film = accepted_film(entry)
    if film is not None and film.duration_s:
        return film.duration_s
    return float(entry.runtime_s) if entry.runtime_s else None


def get_juror_round_or_404(user, contest, round_id: int) -> Round:
    round = juror_rounds(user, contest).filter(pk=round_id).first()
    if round is None:
        raise Http404
    return round


def juror_queue(*, round: Round, user) -> dict:
    """The juror's assignments in this round, with review state and watched share, and their progress; a film the
    juror's pace for one of its warnings holds today says so (judging/pace.py)."""
    assignments = list(
        Assignment.objects.filter(round=round, juror=user).select_related("entry", "review").order_by("entry__code")
    )
    forbidden = forbidden_pairs(
        contest_id=round.contest_id,
        round=round,
        juror_ids=[user.pk],
        entries=Entry.objects.filter(pk__in=[assignment.entry_id for assignment in assignments]),
    )
    durations = film_durations(assignment.entry_id for assignment in assignments)
    assignments = [assignment for assignment in assignments if (user.pk, assignment.entry_id) not in forbidden]
    held = pace.held(contest=round.contest, juror=user, assignments=assignments)
    items = []
    for assignment in assignments:
        review = getattr(assignment, "review", None)
        duration = durations.get(assignment.entry_id)
        items.append(
            {
                "assignment": assignment,
                "entry": assignment.entry,
                "review": review,
                "duration": format_duration(duration) if duration else "",
                "held": held.get(assignment.pk),
            }
        )
    done = sum(1 for item in items if item["review"] and item["review"].status == Review.Status.SUBMITTED)
    return {"items": items, "done": done, "total": len(items), "percent": round_percent(done, len(items))}


def round_percent(part: int, whole: int) -> int:
    return int(100 * part / whole) if whole else 0


def get_assignment_or_404(*, round: Round, user, code: str) -> Assignment:
    """The juror's own assignment for the entry with this code, unless a conflict appeared since: 404 otherwise."""
    assignment = (
        Assignment.objects.filter(round=round, juror=user, entry__code=code)
        .select_related("entry__contest", "entry__team__institution", "round__contest")
        .first()
    )
    if assignment is None or is_conflicted(round=round, juror_id=user.pk, entry=assignment.entry):
        raise Http404
    return assignment


def scores_of(assignment: Assignment) -> dict[int, str]:
    """The juror's saved scores as the score inputs show them: "4", "13.5", never "4.00"."""
    return {pk: score_input_value(value) for pk, value in assignment.scores.values_list("criterion_id", "value")}


def peer_reviews(*, assignment: Assignment) -> list[dict]:
    """Other jurors' submitted reviews of the same entry (scores and comments to the jury), once the juror may
    discuss it (judging.discussion.can_discuss). Jurors are numbered, never named."""
    if not discussion.can_discuss(assignment):
        return []
    numbers = discussion.juror_numbers(assignment)
    others = (
        Assignment.objects.filter(
            round=assignment.round, entry=assignment.entry, review__status=Review.Status.SUBMITTED
        )
        .exclude(pk=assignment.pk)
        .select_related("review")
        .prefetch_related("scores")
        .order_by("pk")
    )
    criteria = {criterion.pk: criterion for criterion in assignment.round.criteria.all()}
    result = []
    for other in others:
        values = {score.criterion_id: score.value for score in other.scores.all()}
        result.append(
            {
                "label": numbers[other.juror_id],
                "scores": [(criteria[pk], values.get(pk)) for pk in criteria if pk in values],
                "comment": other.review.private_comment,
            }
        )
    return result


def opt_out_warning_ids(*, contest, juror) -> set[int]:
    """The content warnings whose films the juror asked not to be given."""
    return set(ContentOptOut.objects.filter(contest=contest, juror=juror).values_list("content_warning_id", flat=True))


def juror_conflicts(*, contest, juror) -> QuerySet[Conflict]:
    return Conflict.objects.filter(contest=contest, juror=juror).select_related("institution", "entry")


# Organisers


def contest_jurors(contest) -> QuerySet[User]:
    """Everyone who accepted a juror invitation to the contest, by email."""
    return User.objects.filter(
        pk__in=ContestRole.objects.filter(contest=contest, role=ContestRole.Role.JUROR).values("user_id")
    ).order_by("email")


def contest_conflicts(contest) -> QuerySet[Conflict]:
    return Conflict.objects.filter(contest=contest).select_related("juror", "entry", "team", "institution")


def round_overview(*, round: Round) -> dict:
    """Coverage and loads: entries short of k, each active juror's count, flagged reviews."""
    k = round.jurors_per_entry
    entries = list(round_entries(round).values("pk", "code", "title"))
    counts = dict(
        Assignment.objects.filter(round=round).values("entry_id").annotate(n=Count("pk")).values_list("entry_id", "n")
    )
    short = [{**entry, "n": counts.get(entry["pk"], 0)} for entry in entries if counts.get(entry["pk"], 0) < k]
    short.sort(key=lambda entry: (entry["n"], entry["code"]))
    load_rows = RoundJuror.objects.filter(round=round).select_related("user")
    loads = dict(
        Assignment.objects.filter(round=round).values("juror_id").annotate(n=Count("pk")).values_list("juror_id", "n")
    )
    done = dict(
        Assignment.objects.filter(round=round, review__status=Review.Status.SUBMITTED)
        .values("juror_id")
        .annotate(n=Count("pk"))
        .values_list("juror_id", "n")
    )
    jurors = [
        {"member": member, "load": loads.get(member.user_id, 0), "done": done.get(member.user_id, 0)}
        for member in load_rows
    ]
    flagged = list(
        Review.objects.filter(assignment__round=round, flagged_unwatched=True)
        .select_related("assignment__entry", "assignment__juror")
        .order_by("assignment__entry__code")
    )
    return {
        "entry_count": len(entries),
        "short": short,
        "jurors": jurors,
        "flagged": flagged,
        "assignment_count": sum(counts.values()),
        "submitted_count": sum(done.values()),
    }


def criteria_weights(round: Round) -> dict[int, tuple[float, float, float]]:
    return {
        pk: (float(weight), float(low), float(high))
        for pk, weight, low, high in Criterion.objects.filter(round=round).values_list(
            "pk", "weight", "scale_min", "scale_max"
        )
    }


def submitted_review_totals(round: Round) -> list[ReviewTotal]:
    """Each submitted review's weighted total out of 100, computed in the database: one query."""
    weights = criteria_weights(round)
    weight_sum = sum(weight for weight, _, _ in weights.values()) or 1.0
    rows = (
        Score.objects.filter(assignment__round=round, assignment__review__status=Review.Status.SUBMITTED)
        .values("assignment_id", "assignment__entry_id", "assignment__juror_id")
        .annotate(
            points=Sum(
                Cast(F("criterion__weight"), FloatField())
                * (Cast(F("value"), FloatField()) - Cast(F("criterion__scale_min"), FloatField()))
                / (Cast(F("criterion__scale_max"), FloatField()) - Cast(F("criterion__scale_min"), FloatField()))
            )
        )
        .order_by()
        .values_list("assignment__entry_id", "assignment__juror_id", "points")
    )
    return [
        ReviewTotal(entry_id=entry, juror_id=juror, total=100 * points / weight_sum) for entry, juror, points in rows
    ]


def entries_hidden_from(*, round: Round, viewer) -> set[int]:
    """Ids of the round's entries that `viewer` must not see the scores or results of: an organiser who is also a
    juror of the contest is kept away from the entries they are in conflict with. Empty for anyone else."""
    if (
        viewer is None
        or not ContestRole.objects.filter(
            contest_id=round.contest_id, user=viewer, role=ContestRole.Role.JUROR
        ).exists()
    ):
        return set()
    pairs = forbidden_pairs(
        contest_id=round.contest_id, round=round, juror_ids=[viewer.pk], entries=round_entries(round)
    )
    return {entry for _, entry in pairs}


# The results page, its export and the API say for this many top entries whether their order holds.
ROBUSTNESS_TOP = 3


def round_results(*, round: Round, viewer=None) -> dict:
    """Everything the results page and the ranking export show. A fixed number of queries whatever the size.
    When the viewer is also a juror with conflicts, the entries they are in conflict with are left out."""
    entries = list(round_entries(round).order_by("code").values("pk", "code", "title", "public_id"))
    hidden = entries_hidden_from(round=round, viewer=viewer)
    entries = [entry for entry in entries if entry["pk"] not in hidden]
    reviews = [review for review in submitted_review_totals(round) if review.entry_id not in hidden]
    results: Results = compute_results(entry_ids=[entry["pk"] for entry in entries], reviews=reviews)
    by_pk = {entry["pk"]: entry for entry in entries}
    names = {member.user_id: member.user for member in RoundJuror.objects.filter(round=round).select_related("user")}
    histogram = {}
    for criterion, value, count in (
        Score.objects.filter(assignment__round=round, assignment__review__status=Review.Status.SUBMITTED)
        .exclude(assignment__entry_id__in=hidden)
        .values("criterion_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("criterion_id", "value", "n")
    ):
        histogram.setdefault(criterion, {})[value] = count
    criteria = list(round.criteria.all())
    shortlisted = set(Shortlist.objects.filter(round=round).values_list("entry_id", flat=True))
    juror_names = {pk: str(user) for pk, user in names.items()}
    missing = {review.juror_id for review in reviews} - juror_names.keys()  # a juror since taken off the round
    juror_names |= {user.pk: str(user) for user in User.objects.filter(pk__in=missing)} if missing else {}
    robustness = {
        item.entry_id: {
            "item": item,
            "text": robustness_text(item, title=by_pk[item.entry_id]["title"], jurors=juror_names),
        }
        for item in ranking_robustness(results=results, reviews=reviews, top=ROBUSTNESS_TOP)
    }
    return {
        "rows": [
            {"entry": by_pk[result.entry_id], "result": result, "robustness": robustness.get(result.entry_id)}
            for result in results.entries
        ],
        "robustness": [{"entry": by_pk[pk], **told} for pk, told in robustness.items()],
        "jurors": [{"user": names.get(juror.juror_id), "result": juror} for juror in results.jurors],
        "overall_mean": results.overall_mean,
        "overall_sd": results.overall_sd,
        "criteria": [{"criterion": criterion, "counts": histogram.get(criterion.pk, {})} for criterion in criteria],
        "shortlisted": shortlisted,
        "review_count": len(reviews),
    }


def entry_reviews(*, round: Round, entry: Entry) -> list[dict]:
    """Every juror's review of one entry for organisers: scores per criterion with what each score's level means
    (its anchor, in the reader's language, or None), total, watched share, comments."""
    criteria = list(round.criteria.all())
    language = (get_language() or "fr")[:2]
    anchors = {criterion.pk: dict(criterion.anchor_list(language)) for criterion in criteria}
    weights = {
        criterion.pk: (float(criterion.weight), float(criterion.scale_min), float(criterion.scale_max))
        for criterion in criteria
    }
    assignments = (
        Assignment.objects.filter(round=round, entry=entry)
        .select_related("juror", "review")
        .prefetch_related("scores")
        .order_by("juror__email")
    )
    rows = []
    for assignment in assignments:
        values = {score.criterion_id: score.value for score in assignment.scores.all()}
        review = getattr(assignment, "review", None)
        complete = bool(weights) and all(pk in values for pk in weights)
        rows.append(
            {
                "assignment": assignment,
                "juror": assignment.juror,
                "review": review,
                "scores": [values.get(criterion.pk) for criterion in criteria],
                "scored": [
                    (values.get(criterion.pk), anchors[criterion.pk].get(score_level(values.get(criterion.pk))))
                    for criterion in criteria
                ],
                "total": weighted_total({pk: float(value) for pk, value in values.items()}, weights)
                if complete
                else None,
            }
        )
    return rows


def blind_rounds_in_progress(entry_ids, *, at) -> dict[int, Round]:
    """For each of `entry_ids` still judged blind at `at` (assigned in a round of a blind-judging contest that has
    not closed: its `closes_at` second included, as Round.is_open says), the round that closes last. While it runs,
    nothing may name the entry's team outside organisers."""
    rounds: dict[int, Round] = {}
    assignments = (
        Assignment.objects.filter(
            entry_id__in=list(entry_ids), round__closes_at__gte=at, round__contest__blind_judging=True
        )
        .select_related("round")
        .order_by("round__closes_at")
    )
    for assignment in assignments:
        rounds[assignment.entry_id] = assignment.round
    return rounds


# Prizes


def final_round(contest: Contest) -> Round | None:
    """The round whose ranking the prizes follow: the last one."""
    return contest.rounds.order_by("-order").first()


def ranking_choice(*, prize: Prize) -> Entry | None:
    """The entry the ranking of the last round points to for this prize: the n-th prize goes to the n-th entry."""
    round = final_round(prize.contest)
    if round is None:
        return None
    position = list(prize.contest.prizes.order_by("order", "name_fr").values_list("pk", flat=True)).index(prize.pk)
    entries = round_entries(round)
    results = compute_results(
        entry_ids=list(entries.values_list("pk", flat=True)), reviews=submitted_review_totals(round)
    )
    ranked = [result.entry_id for result in results.entries if result.rank is not None]
    if position >= len(ranked):
        return None
    return Entry.objects.get(pk=ranked[position])


def contest_awards(contest) -> QuerySet[Award]:
    return Award.objects.filter(contest=contest).select_related("prize", "entry", "decided_by")


# Replacement locks (media_pipeline.replacement_locks), registered by JudgingConfig.ready()


def judged_lock(entry: Entry) -> str | None:
    """A juror submitted a review of the entry: its film is what they judged."""
    judged = Review.objects.filter(assignment__entry=entry, status=Review.Status.SUBMITTED).exists()
    return gettext("was judged by the jury") if judged else None


def awarded_lock(entry: Entry) -> str | None:
    return gettext("was awarded a prize") if Award.objects.filter(entry=entry).exists() else None


def award_stake(entry: Entry) -> list[str]:
    """What a withdrawal takes away from `entry` in judging: the prizes it holds (contest.selectors.withdrawal_stakes)."""
    return [
        gettext("This entry holds the prize “%(prize)s”.") % {"prize": award.prize.name}
        for award in Award.objects.filter(entry=entry).select_related("prize")
    ]


def wishable_entries(*, round: Round, juror) -> list[Entry]:
    """The round's entries a juror may say they would like, or rather not, to judge: all but those they are in
    conflict with (or opted out of), by code."""
    entries = round_entries(round).order_by("code")
    hidden = {
        entry
        for _, entry in forbidden_pairs(contest_id=round.contest_id, round=round, juror_ids=[juror.pk], entries=entries)
    }
    return [entry for entry in entries if entry.pk not in hidden]


def juror_mail_preference(*, contest: Contest, juror: User) -> JurorMailPreference:
    """The juror's choices about the non-essential mails (an unsaved row with every mail on if they made none)."""
    return JurorMailPreference.objects.filter(contest=contest, juror=juror).first() or JurorMailPreference(
        contest=contest, juror=juror
    )


def jurors_with_unfinished_reviews(contest) -> QuerySet:
    """Seated jurors with a film still to review (no submitted review) in a round of the contest not closed yet:
    a group organisers write to (contest.group_messages)."""
    seated = RoundJuror.objects.filter(round=OuterRef("round"), user=OuterRef("juror"), active=True)
    unfinished = (
        Assignment.objects.filter(round__contest=contest, round__closes_at__gt=timezone.now())
        .exclude(review__status=Review.Status.SUBMITTED)
        .filter(Exists(seated))
    )
    return User.objects.filter(pk__in=unfinished.values("juror_id"))


def planned_jury_viewing(entry: Entry) -> dict[str, datetime]:
    """From when the jury is planned to watch `entry` (contest.consents.planned_uses): the opening of the first
    round that judges it, or of the contest's first round while nothing is assigned."""
    rounds = Round.objects.filter(contest_id=entry.contest_id)
    judging = rounds.filter(assignments__entry=entry)
    first = (judging if judging.exists() else rounds).order_by("opens_at").values_list("opens_at", flat=True).first()
    return {"jury": first} if first else {}
