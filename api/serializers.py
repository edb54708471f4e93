"""What the API shows and reads. Output serializers are read-only views of rows the selectors loaded; input
serializers only parse: every rule is applied by the service the view calls."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.text import MultiLineValidator, SingleLineValidator
from contest.models import Contest, Entry, Prize
from judging.models import ROUND_FIELDS, Award, Criterion, Round
from media_pipeline.models import Film
from releases.models import STEP_AUDIENCES, Release, ReleaseStep, Target


class ErrorSerializer(serializers.Serializer):
    """401, 403, 404, and 400 when a rule of the contest refuses (then `code` is stable, e.g. `reason_required`)."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()


class PrizeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Prize
        fields = ["id", "name_fr", "name_en", "order"]


class ContestSerializer(serializers.ModelSerializer):
    prizes = PrizeSerializer(many=True, read_only=True)

    class Meta:
        model = Contest
        fields = [
            "slug",
            "title_fr",
            "title_en",
            "description_fr",
            "description_en",
            "time_zone",
            "opens_at",
            "closes_at",
            "blind_judging",
            "max_duration_s",
            "min_duration_s",
            "min_resolution_px",
            "audio_required",
            "max_file_size_bytes",
            "max_synopsis_chars",
            "prizes",
        ]


class EntryRefSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    code = serializers.CharField()
    title = serializers.CharField()


class FilmSerializer(serializers.Serializer):
    """The entry's current film in the media pipeline."""

    state = serializers.ChoiceField(choices=Film.State.choices)
    uploaded_at = serializers.DateTimeField(source="created_at")


class TeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    institution = serializers.CharField(source="institution.name")


class EntrySerializer(serializers.ModelSerializer):
    team = TeamSerializer(read_only=True)
    content_warnings = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    film = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = [
            "public_id",
            "code",
            "title",
            "status",
            "team",
            "synopsis_fr",
            "synopsis_en",
            "language",
            "runtime_s",
            "content_warnings",
            "film_accepted",
            "disqualification_reason",
            "submitted_at",
            "created_at",
            "updated_at",
            "film",
        ]

    @staticmethod
    def _film(entry: Entry) -> Film | None:
        films = getattr(entry, "current_films", None)
        if films is None:
            films = list(Film.objects.filter(entry=entry, replaced_at__isnull=True))
        return films[0] if films else None

    @extend_schema_field(FilmSerializer(allow_null=True))
    def get_film(self, entry: Entry) -> dict | None:
        film = self._film(entry)
        return FilmSerializer(film).data if film else None


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "name_fr", "name_en", "weight", "scale_min", "scale_max", "step", "order"]


class RoundSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Round
        fields = ["id", *ROUND_FIELDS, "criteria"]


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    juror = PersonSerializer()
    entry = EntryRefSerializer()
    manual = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    review_status = serializers.ChoiceField(choices=["draft", "submitted"], allow_null=True)
    watched_share = serializers.FloatField(allow_null=True)
    flagged_unwatched = serializers.BooleanField()
    submitted_at = serializers.DateTimeField(allow_null=True)


class ScoreValueSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=6, decimal_places=2)


class ReviewScoresSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    juror = PersonSerializer()
    entry = EntryRefSerializer()
    review_status = serializers.ChoiceField(choices=["draft", "submitted"], allow_null=True)
    scores = ScoreValueSerializer(many=True)
    total = serializers.FloatField(allow_null=True, help_text="Weighted total out of 100, once every criterion is in.")


class EntryResultSerializer(serializers.Serializer):
    entry = EntryRefSerializer()
    n = serializers.IntegerField(help_text="submitted reviews")
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    sd = serializers.FloatField(allow_null=True)
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    normalised = serializers.FloatField(allow_null=True, help_text="mean of per-juror z-scores")
    rank = serializers.IntegerField(allow_null=True)
    tied = serializers.BooleanField()
    disagreement = serializers.BooleanField()
    shortlisted = serializers.BooleanField()


class JurorResultSerializer(serializers.Serializer):
    juror = PersonSerializer(allow_null=True)
    n = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    sd = serializers.FloatField(allow_null=True)
    leaning = serializers.ChoiceField(choices=["lenient", "severe", "typical", ""])


class MethodRanksSerializer(serializers.Serializer):
    z_scores = serializers.IntegerField(help_text="the official ranking's")
    mean = serializers.IntegerField(help_text="by the weighted mean of the totals")
    median = serializers.IntegerField()
    trimmed_mean = serializers.IntegerField(help_text="the highest and lowest totals left out from three reviews on")


class RankWithoutSerializer(serializers.Serializer):
    juror = PersonSerializer(allow_null=True)
    rank = serializers.IntegerField(allow_null=True, help_text="null: no review of the entry is left")


class RobustnessSerializer(serializers.Serializer):
    entry = EntryRefSerializer()
    rank = serializers.IntegerField()
    ranks = MethodRanksSerializer()
    agreeing_methods = serializers.IntegerField(help_text="how many of the four methods give it the same rank")
    without = RankWithoutSerializer(many=True, help_text="its rank with each juror's reviews left out")
    summary = serializers.CharField(help_text="the results page's sentence, in the request's language")


class ResultsSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    review_count = serializers.IntegerField()
    overall_mean = serializers.FloatField(allow_null=True)
    overall_sd = serializers.FloatField(allow_null=True)
    entries = EntryResultSerializer(many=True)
    jurors = JurorResultSerializer(many=True)
    robustness = RobustnessSerializer(many=True, help_text="whether the order of the top entries holds")


class AwardSerializer(serializers.ModelSerializer):
    entry = EntryRefSerializer(read_only=True)
    decided_by = serializers.EmailField(source="decided_by.email", allow_null=True, read_only=True, default=None)

    class Meta:
        model = Award
        fields = [
            "id",
            "prize",
            "entry",
            "citation_fr",
            "citation_en",
            "reason_if_not_ranking",
            "decided_by",
            "decided_at",
        ]


class AwardInputSerializer(serializers.Serializer):
    prize = serializers.IntegerField(help_text="id of one of the contest's prizes")
    entry = serializers.CharField(
        max_length=12, help_text="the entry's code, e.g. K7Q2XM", validators=[SingleLineValidator("entry")]
    )
    citation_fr = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[MultiLineValidator("citation_fr")]
    )
    citation_en = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[MultiLineValidator("citation_en")]
    )
    reason_if_not_ranking = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="required when the entry is not the ranking's choice",
        validators=[MultiLineValidator("reason_if_not_ranking")],
    )


class StepSerializer(serializers.ModelSerializer):
    audiences = serializers.ListField(child=serializers.CharField(), read_only=True)
    needs_approval = serializers.BooleanField(read_only=True)

    class Meta:
        model = ReleaseStep
        fields = ["id", "target", "at", "audiences", "needs_approval", "approved_at", "cancelled_at", "notified_at"]


class InForceSerializer(serializers.Serializer):
    """Who sees what now, after the team's consent gate (organisers always do)."""

    announcement = serializers.ListField(child=serializers.CharField())
    film = serializers.ListField(child=serializers.CharField())


class ReleaseSerializer(serializers.ModelSerializer):
    entry = EntryRefSerializer(read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = ["entry", "show_team_name", "created_at", "steps", "in_force"]

    @extend_schema_field(InForceSerializer())
    def get_in_force(self, release: Release) -> dict:
        return self.context["in_force"][release.pk]


class ReleaseInputSerializer(serializers.Serializer):
    entry = serializers.UUIDField(help_text="public_id of a submitted entry of the contest")


class StepInputSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=Target.choices)
    at = serializers.DateTimeField(help_text="ISO 8601 with an offset; without one, the contest's time zone")
    audiences = serializers.ListField(
        child=serializers.ChoiceField(choices=[str(audience) for audience in STEP_AUDIENCES]),
        allow_empty=True,
        max_length=len(STEP_AUDIENCES),
        help_text="empty: organisers only",
    )
