"""The organiser API: HTTP only. Permission comes from api.permissions (token scope, then organiser of the contest,
else 404); reads go through the same selectors as the organiser pages, writes through the same services, so every
rule and audit event of the web pages applies."""

import datetime

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from contest.models import Contest, ContestRole, Entry
from judging import selectors as judging_selectors
from judging import services as judging_services
from judging.models import Assignment, Award, Round
from judging.results import weighted_total
from media_pipeline.models import Film
from releases import services as release_services
from releases.models import AUDIENCE_ORDER, Release, ReleaseStep, Target
from releases.permissions import current_steps, step_audiences

from . import serializers as s
from .authentication import TokenAuthentication
from .models import Scope
from .permissions import TokenScope, organiser_contest_or_404


class RuleRefused(APIException):
    """A service said no: 400 with the rule's stable code and its message in the caller's language."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, error):
        super().__init__(detail={"detail": str(error.message), "code": error.code})


ERRORS = {
    401: OpenApiResponse(s.ErrorSerializer, description="No token, or a token that is not valid or was revoked."),
    403: OpenApiResponse(s.ErrorSerializer, description="The token lacks the scope this call needs."),
    404: OpenApiResponse(
        s.ErrorSerializer, description="No such thing, or the token's owner is not an organiser of the contest."
    ),
}
INVALID = {400: OpenApiResponse(description="Invalid input (field → messages), or a rule refused (detail, code).")}


class OrganiserView(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [TokenScope]
    write_scope: str | None = None

    def contest(self, slug: str):
        return organiser_contest_or_404(self.request.user, slug)

    def dispatch(self, request, *args, **kwargs):
        # Times go out in UTC (`…Z`): a tool should not have to know the contest's zone, nor its historical offsets.
        with timezone.override(datetime.UTC):
            return super().dispatch(request, *args, **kwargs)

    def handle_exception(self, exc):
        # One 404 body for everything hidden or missing, so that it says nothing about what exists.
        if isinstance(exc, Http404):
            exc = NotFound()
        return super().handle_exception(exc)


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "email": user.email, "full_name": user.full_name}


def _entry_ref(entry) -> dict:
    if isinstance(entry, dict):
        return {"public_id": entry["public_id"], "code": entry["code"], "title": entry["title"]}
    return {"public_id": entry.public_id, "code": entry.code, "title": entry.title}


# Contests and entries


@extend_schema(tags=["contests"], responses={200: s.ContestSerializer(many=True), **ERRORS})
class ContestList(OrganiserView):
    """The contests the token's owner organises."""

    def get(self, request):
        contests = Contest.objects.prefetch_related("prizes").order_by("slug")
        if not request.user.is_superuser:
            contests = contests.filter(roles__user=request.user, roles__role=ContestRole.Role.ORGANISER)
        return Response(s.ContestSerializer(contests, many=True).data)


@extend_schema(tags=["contests"], responses={200: s.ContestSerializer, **ERRORS})
class ContestDetail(OrganiserView):
    def get(self, request, contest_slug):
        return Response(s.ContestSerializer(self.contest(contest_slug)).data)


def _entries(contest):
    return (
        Entry.objects.filter(contest=contest)
        .select_related("team__institution")
        .prefetch_related(
            "content_warnings",
            Prefetch("films", queryset=Film.objects.filter(replaced_at__isnull=True), to_attr="current_films"),
        )
        .order_by("code")
    )


@extend_schema(
    tags=["entries"],
    parameters=[OpenApiParameter("status", enum=Entry.Status.values, required=False)],
    responses={200: s.EntrySerializer(many=True), **INVALID, **ERRORS},
)
class EntryList(OrganiserView):
    """Every entry of the contest (drafts, withdrawn and disqualified included), with the state of its current film
    in the media pipeline (`film` is null until a film is uploaded)."""

    def get(self, request, contest_slug):
        entries = _entries(self.contest(contest_slug))
        wanted = request.query_params.get("status")
        if wanted is not None:
            if wanted not in Entry.Status.values:
                raise ValidationError(
                    {"status": [_("Choose one of: %(values)s.") % {"values": ", ".join(Entry.Status.values)}]}
                )
            entries = entries.filter(status=wanted)
        return Response(s.EntrySerializer(entries, many=True).data)


@extend_schema(tags=["entries"], responses={200: s.EntrySerializer, **ERRORS})
class EntryDetail(OrganiserView):
    def get(self, request, contest_slug, public_id):
        entry = get_object_or_404(_entries(self.contest(contest_slug)), public_id=public_id)
        return Response(s.EntrySerializer(entry).data)


# Judging


def _round(view, contest_slug, round_id) -> Round:
    return get_object_or_404(Round, contest=view.contest(contest_slug), pk=round_id)


@extend_schema(tags=["judging"], responses={200: s.RoundSerializer(many=True), **ERRORS})
class RoundList(OrganiserView):
    def get(self, request, contest_slug):
        rounds = self.contest(contest_slug).rounds.prefetch_related("criteria").order_by("order")
        return Response(s.RoundSerializer(rounds, many=True).data)


def _assignments(round: Round, viewer):
    """The round's assignments, less the entries an organiser who also judges is in conflict with (as on the
    results page and in the exports)."""
    return (
        Assignment.objects.filter(round=round)
        .exclude(entry_id__in=judging_selectors.entries_hidden_from(round=round, viewer=viewer))
        .select_related("juror", "entry", "review")
        .order_by("entry__code", "juror__email")
    )


@extend_schema(tags=["judging"], responses={200: s.AssignmentSerializer(many=True), **ERRORS})
class AssignmentList(OrganiserView):
    """Who judges what in the round, with each review's state and the share of the film the juror played."""

    def get(self, request, contest_slug, round_id):
        rows = []
        for assignment in _assignments(_round(self, contest_slug, round_id), request.user):
            review = getattr(assignment, "review", None)
            rows.append(
                {
                    "id": assignment.pk,
                    "juror": _person(assignment.juror),
                    "entry": _entry_ref(assignment.entry),
                    "manual": assignment.manual,
                    "created_at": assignment.created_at,
                    "review_status": review.status if review else None,
                    "watched_share": review.watched_share if review else None,
                    "flagged_unwatched": review.flagged_unwatched if review else False,
                    "submitted_at": review.submitted_at if review else None,
                }
            )
        return Response(s.AssignmentSerializer(rows, many=True).data)


@extend_schema(tags=["judging"], responses={200: s.ReviewScoresSerializer(many=True), **ERRORS})
class ScoreList(OrganiserView):
    """Every juror's scores in the round, drafts included (as on the organiser's entry page), with the weighted
    total out of 100 once every criterion is scored."""

    def get(self, request, contest_slug, round_id):
        round = _round(self, contest_slug, round_id)
        weights = judging_selectors.criteria_weights(round)
        rows = []
        for assignment in _assignments(round, request.user).prefetch_related("scores"):
            review = getattr(assignment, "review", None)
            values = {score.criterion_id: score.value for score in assignment.scores.all()}
            complete = bool(weights) and all(pk in values for pk in weights)
            rows.append(
                {
                    "assignment": assignment.pk,
                    "juror": _person(assignment.juror),
                    "entry": _entry_ref(assignment.entry),
                    "review_status": review.status if review else None,
                    "scores": [{"criterion": pk, "value": value} for pk, value in sorted(values.items())],
                    "total": weighted_total({pk: float(v) for pk, v in values.items()}, weights) if complete else None,
                }
            )
        return Response(s.ReviewScoresSerializer(rows, many=True).data)


@extend_schema(tags=["judging"], responses={200: s.ResultsSerializer, **ERRORS})
class RoundResults(OrganiserView):
    """The results page's figures: submitted reviews only, ranked by per-juror z-scores (judging.results)."""

    def get(self, request, contest_slug, round_id):
        round = _round(self, contest_slug, round_id)
        results = judging_selectors.round_results(round=round, viewer=request.user)
        shortlisted = results["shortlisted"]
        jurors = {row["result"].juror_id: row["user"] for row in results["jurors"]}
        data = {
            "round": round.pk,
            "review_count": results["review_count"],
            "overall_mean": results["overall_mean"],
            "overall_sd": results["overall_sd"],
            "entries": [
                {
                    "entry": _entry_ref(row["entry"]),
                    **{
                        name: getattr(row["result"], name)
                        for name in ("n", "mean", "median", "sd", "low", "high", "normalised", "rank", "tied")
                    },
                    "disagreement": row["result"].disagreement,
                    "shortlisted": row["entry"]["pk"] in shortlisted,
                }
                for row in results["rows"]
            ],
            "jurors": [
                {
                    "juror": _person(row["user"]),
                    "n": row["result"].n,
                    "mean": row["result"].mean,
                    "sd": row["result"].sd,
                    "leaning": row["result"].leaning,
                }
                for row in results["jurors"]
            ],
            "robustness": [
                {
                    "entry": _entry_ref(told["entry"]),
                    "rank": told["item"].rank,
                    "ranks": told["item"].ranks,
                    "agreeing_methods": told["item"].agreeing_methods,
                    "without": [
                        {"juror": _person(jurors.get(juror)), "rank": rank}
                        for juror, rank in sorted(told["item"].without.items())
                    ],
                    "summary": told["text"],
                }
                for told in results["robustness"]
            ],
        }
        return Response(s.ResultsSerializer(data).data)


# Awards


def _awards(contest):
    return Award.objects.filter(contest=contest).select_related("prize", "entry", "decided_by")


class AwardList(OrganiserView):
    write_scope = Scope.AWARDS_WRITE

    @extend_schema(tags=["awards"], responses={200: s.AwardSerializer(many=True), **ERRORS})
    def get(self, request, contest_slug):
        return Response(s.AwardSerializer(_awards(self.contest(contest_slug)), many=True).data)

    @extend_schema(
        tags=["awards"],
        request=s.AwardInputSerializer,
        responses={201: s.AwardSerializer, **INVALID, **ERRORS},
        description="Record (or change) the jury's decision that a prize goes to an entry, as on the awards page: "
        "a choice other than the ranking's needs `reason_if_not_ranking` (else 400 `reason_required`).",
    )
    def post(self, request, contest_slug):
        contest = self.contest(contest_slug)
        form = s.AwardInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        prize = contest.prizes.filter(pk=data["prize"]).first()
        if prize is None:
            raise RuleRefused(judging_services.JudgingError("unknown_prize", _("This contest has no such prize.")))
        entry = Entry.objects.filter(contest=contest, code=data["entry"].strip().upper()).first()
        if entry is None:
            raise RuleRefused(judging_services.JudgingError("unknown_entry", _("No entry has this code.")))
        try:
            award = judging_services.record_award(
                prize=prize,
                entry=entry,
                by=request.user,
                citation_fr=data["citation_fr"],
                citation_en=data["citation_en"],
                reason_if_not_ranking=data["reason_if_not_ranking"],
            )
        except judging_services.JudgingError as error:
            raise RuleRefused(error)
        return Response(s.AwardSerializer(_awards(contest).get(pk=award.pk)).data, status=status.HTTP_201_CREATED)


class AwardDetail(OrganiserView):
    write_scope = Scope.AWARDS_WRITE

    @extend_schema(tags=["awards"], responses={200: s.AwardSerializer, **ERRORS})
    def get(self, request, contest_slug, award_id):
        return Response(s.AwardSerializer(get_object_or_404(_awards(self.contest(contest_slug)), pk=award_id)).data)

    @extend_schema(tags=["awards"], responses={204: None, **ERRORS})
    def delete(self, request, contest_slug, award_id):
        award = get_object_or_404(_awards(self.contest(contest_slug)), pk=award_id)
        judging_services.remove_award(award=award, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Releases


def _releases(contest):
    return Release.objects.filter(contest=contest).select_related("entry").prefetch_related("steps")


def _release_data(releases) -> list[dict] | dict:
    releases = list(releases)
    states = current_steps(releases, at=timezone.now())
    in_force = {
        release.pk: {
            what: [
                audience for audience in AUDIENCE_ORDER if audience in step_audiences(states[release.pk][what], what)
            ]
            for what in (Target.ANNOUNCEMENT, Target.FILM)
        }
        for release in releases
    }
    return s.ReleaseSerializer(releases, many=True, context={"in_force": in_force}).data


def _one_release(contest, public_id) -> Release:
    return get_object_or_404(_releases(contest), entry__public_id=public_id)


class ReleaseList(OrganiserView):
    write_scope = Scope.RELEASES_WRITE

    @extend_schema(tags=["releases"], responses={200: s.ReleaseSerializer(many=True), **ERRORS})
    def get(self, request, contest_slug):
        return Response(_release_data(_releases(self.contest(contest_slug)).order_by("entry__title", "pk")))

    @extend_schema(
        tags=["releases"],
        request=s.ReleaseInputSerializer,
        responses={201: s.ReleaseSerializer, 200: s.ReleaseSerializer, **INVALID, **ERRORS},
        description="Create the release of a submitted entry (no steps: organisers only). 200 if it already exists.",
    )
    def post(self, request, contest_slug):
        contest = self.contest(contest_slug)
        form = s.ReleaseInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        entry = Entry.objects.filter(
            contest=contest, public_id=form.validated_data["entry"], status=Entry.Status.SUBMITTED
        ).first()
        if entry is None:
            raise RuleRefused(
                release_services.ReleaseError("entry_not_eligible", _("Only a submitted entry can be released."))
            )
        existed = Release.objects.filter(entry=entry).exists()
        release = release_services.ensure_release(entry=entry, by=request.user)
        data = _release_data([_one_release(contest, release.entry.public_id)])[0]
        return Response(data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


@extend_schema(tags=["releases"], responses={200: s.ReleaseSerializer, **ERRORS})
class ReleaseDetail(OrganiserView):
    def get(self, request, contest_slug, public_id):
        return Response(_release_data([_one_release(self.contest(contest_slug), public_id)])[0])


class StepList(OrganiserView):
    write_scope = Scope.RELEASES_WRITE

    @extend_schema(
        tags=["releases"],
        request=s.StepInputSerializer,
        responses={201: s.StepSerializer, **INVALID, **ERRORS},
        description="From `at` on, show the announcement or the film to these audiences. A film step with a wide "
        "audience (community, link, public) takes effect only once the team approves it; the team is mailed.",
    )
    def post(self, request, contest_slug, public_id):
        contest = self.contest(contest_slug)
        release = _one_release(contest, public_id)
        with timezone.override(contest.tzinfo):
            form = s.StepInputSerializer(data=request.data)
            form.is_valid(raise_exception=True)
        try:
            step = release_services.add_step(release=release, by=request.user, **form.validated_data)
        except release_services.ReleaseError as error:
            raise RuleRefused(error)
        return Response(s.StepSerializer(step).data, status=status.HTTP_201_CREATED)


class StepCancel(OrganiserView):
    write_scope = Scope.RELEASES_WRITE

    @extend_schema(
        tags=["releases"],
        request=None,
        responses={200: s.StepSerializer, **INVALID, **ERRORS},
        description="Cancel a step that has not taken effect (400 `step_in_force` otherwise).",
    )
    def post(self, request, contest_slug, public_id, step_id):
        release = _one_release(self.contest(contest_slug), public_id)
        step = get_object_or_404(ReleaseStep, release=release, pk=step_id)
        try:
            step = release_services.cancel_step(step=step, by=request.user)
        except release_services.ReleaseError as error:
            raise RuleRefused(error)
        return Response(s.StepSerializer(step).data)


class ReleaseUnpublish(OrganiserView):
    write_scope = Scope.RELEASES_WRITE

    @extend_schema(
        tags=["releases"],
        request=None,
        responses={200: s.ReleaseSerializer, **ERRORS},
        description="From this second only organisers see the entry; every later step is cancelled.",
    )
    def post(self, request, contest_slug, public_id):
        contest = self.contest(contest_slug)
        release_services.unpublish_release(release=_one_release(contest, public_id), by=request.user)
        return Response(_release_data([_one_release(contest, public_id)])[0])
