"""Rounds, criteria, juries, conflicts, assignments, reviews and awards.

Rules live in services.py; these models hold data and the invariants the database can enforce."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.text import MultiLineTextField, SingleLineCharField
from contest.models import ContentWarning, Contest, Entry, Institution, Prize, Team, localized

# What an organiser sets on a round: what the services accept, the form (less `order`, which the service gives a new
# round) and the API's round.
ROUND_FIELDS = (
    "name_fr",
    "name_en",
    "order",
    "opens_at",
    "closes_at",
    "jurors_per_entry",
    "source",
    "conflicts_by_institution",
    "show_scores_after_own",
)


class Round(models.Model):
    """One pass of the jury over a set of entries (pre-selection, final...), with its dates and criteria."""

    class Source(models.TextChoices):
        ALL = "all", _("all submitted entries")
        SHORTLIST = "shortlist", _("entries shortlisted by the previous round")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rounds")
    name_fr = SingleLineCharField(_("name (French)"), max_length=120)
    name_en = SingleLineCharField(_("name (English)"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    jurors_per_entry = models.PositiveSmallIntegerField(
        _("jurors per entry"), default=3, validators=[MinValueValidator(1)]
    )
    source = models.CharField(_("entries judged"), max_length=20, choices=Source.choices, default=Source.ALL)
    conflicts_by_institution = models.BooleanField(
        _("a juror from a team's institution is in conflict with its entries"), default=True
    )
    show_scores_after_own = models.BooleanField(
        _("jurors see the other reviews of an entry, and discuss it, once they have submitted their own"),
        default=False,
    )

    class Meta:
        ordering = ["contest", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["contest", "order"], name="unique_round_order")]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now <= self.closes_at


def format_score(value) -> str:
    """A score or scale bound for people: as many decimals as it needs, in the visitor's locale ("4", "13,5")."""
    return number_format(Decimal(str(value)).normalize(), use_l10n=True)


def score_input_value(value) -> str:
    """A score as a number input's value: as many decimals as it needs, with a dot ("4", "13.5", never "4.00")."""
    return f"{Decimal(str(value)).normalize():f}"


def score_level(value) -> str | None:
    """The level a score stands at, as anchors are keyed ("4", "13.5"); None for no score or text that is none."""
    if value is None or value == "":
        return None
    try:
        level = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    return score_input_value(level) if level.is_finite() else None


class Criterion(models.Model):
    """What a round's jurors score, on a scale from scale_min to scale_max by step, with a weight."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name_fr = SingleLineCharField(_("name (French)"), max_length=120)
    name_en = SingleLineCharField(_("name (English)"), max_length=120, blank=True)
    guidance_fr = MultiLineTextField(_("guidance (French)"), blank=True)
    guidance_en = MultiLineTextField(_("guidance (English)"), blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(Decimal("0.01"))]
    )
    scale_min = models.DecimalField(_("lowest score"), max_digits=6, decimal_places=2, default=Decimal(1))
    scale_max = models.DecimalField(_("highest score"), max_digits=6, decimal_places=2, default=Decimal(5))
    step = models.DecimalField(
        _("step"), max_digits=5, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(Decimal("0.01"))]
    )
    # {"1": {"fr": "...", "en": "..."}, "5": {...}}: what a level means, shown beside the input.
    anchors = models.JSONField(_("anchor descriptions per level"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "order", "pk"]
        verbose_name_plural = "criteria"
        constraints = [
            models.CheckConstraint(condition=models.Q(scale_max__gt=models.F("scale_min")), name="criterion_scale"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def guidance(self) -> str:
        return localized(self, "guidance")

    def scale_description(self) -> str:
        """How to score it, for the label: « Note de 1 à 5 », « Note de 0 à 20, par pas de 0,5 » (the step is named
        only when it is not 1)."""
        values = {"low": format_score(self.scale_min), "high": format_score(self.scale_max)}
        if self.step == 1:
            return gettext("Score from %(low)s to %(high)s") % values
        return gettext("Score from %(low)s to %(high)s, in steps of %(step)s") % {
            **values,
            "step": format_score(self.step),
        }

    def anchor_list(self, language: str) -> list[tuple[str, str]]:
        """(level, description) pairs in scale order, in `language` with the other one as fallback."""
        other = "en" if language == "fr" else "fr"
        pairs = []
        for level, texts in self.anchors.items():
            if isinstance(texts, str):
                text = texts
            else:
                text = texts.get(language) or texts.get(other) or ""
            pairs.append((Decimal(level), text))
        return [(f"{level.normalize():f}", text) for level, text in sorted(pairs)]


class Shortlist(models.Model):
    """An entry a round sends on to the next round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="shortlist")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "entry"], name="unique_shortlist_entry")]

    def __str__(self):
        return f"{self.round} · {self.entry_id}"


class RoundJuror(models.Model):
    """A juror sitting on a round. Leaving a round keeps the row (and submitted scores) with active=False."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="jurors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=timezone.now)
    max_entries = models.PositiveSmallIntegerField(_("at most this many films"), null=True, blank=True)
    min_entries = models.PositiveSmallIntegerField(_("at least this many films"), null=True, blank=True)

    class Meta:
        ordering = ["round", "user__email"]
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="unique_round_juror")]

    def __str__(self):
        return f"{self.user} · {self.round}"


class Conflict(models.Model):
    """A conflict of interest a juror declared (or an organiser recorded) for an entry, a team or an institution.
    Conflicts that follow from the rosters (membership, shared institution) are derived, not stored."""

    class Kind(models.TextChoices):
        ENTRY = "entry", _("entry")
        TEAM = "team", _("team")
        INSTITUTION = "institution", _("institution")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="entry", entry__isnull=False, team__isnull=True, institution__isnull=True)
                    | models.Q(kind="team", entry__isnull=True, team__isnull=False, institution__isnull=True)
                    | models.Q(kind="institution", entry__isnull=True, team__isnull=True, institution__isnull=False)
                ),
                name="conflict_has_one_target",
            ),
        ]

    def __str__(self):
        return f"{self.juror_id} · {self.kind} · {self.entry_id or self.team_id or self.institution_id}"


class AssignmentWish(models.Model):
    """A juror's wish about judging one entry of a round, given on its title and synopsis (blind): +1 "I would like
    to", -1 "rather not". The planner uses it only between jurors of equal load."""

    class Wish(models.IntegerChoices):
        LIKE = 1, _("I would like to judge it")
        RATHER_NOT = -1, _("rather not")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+")
    wish = models.SmallIntegerField(choices=Wish.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "juror", "entry"], name="unique_assignment_wish")]

    def __str__(self):
        return f"{self.round_id} · {self.juror_id} · {self.entry_id} · {self.wish}"


class ContentOptOut(models.Model):
    """A juror who asked not to be given films carrying this content warning."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_warning = models.ForeignKey(ContentWarning, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["juror", "content_warning"], name="unique_content_opt_out"),
        ]

    def __str__(self):
        return f"{self.juror_id} · {self.content_warning_id}"


class WarningPace(models.Model):
    """A juror's care for themself: at most `per_day` films carrying this content warning opened for the first time
    a day (the contest's days); the juror's queue holds the rest until the next day (judging/pace.py)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_warning = models.ForeignKey(ContentWarning, on_delete=models.CASCADE, related_name="+")
    per_day = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["juror", "content_warning"], name="unique_warning_pace")]

    def __str__(self):
        return f"{self.juror_id} · {self.content_warning_id} · {self.per_day}/day"


class Assignment(models.Model):
    """A juror is to judge an entry in a round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+")
    manual = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The first time the juror opened the film's page: what a warning's pace counts (judging/pace.py).
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "entry__code", "juror_id"]
        constraints = [models.UniqueConstraint(fields=["round", "juror", "entry"], name="unique_assignment")]
        indexes = [models.Index(fields=["round", "juror"])]

    def __str__(self):
        return f"{self.round_id} · {self.juror_id} · {self.entry_id}"


class Review(models.Model):
    """A juror's work on one assignment: scores (rows of Score), comments, how much of the film they played."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    private_comment = MultiLineTextField(_("comment for the jury"), blank=True)
    team_feedback = MultiLineTextField(_("feedback for the team (optional)"), blank=True)
    watched_seconds = models.FloatField(default=0)
    duration_seconds = models.FloatField(null=True, blank=True)  # the film's known duration, never the player's
    watching_started_at = models.DateTimeField(null=True, blank=True, help_text=_("the player's first report"))
    flagged_unwatched = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.assignment} · {self.status}"

    @property
    def watched_share(self) -> float | None:
        """The furthest point played, as a share of the film (0..1), or None before the player reported."""
        if not self.duration_seconds:
            return None
        return min(1.0, self.watched_seconds / self.duration_seconds)


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="unique_score")]

    def __str__(self):
        return f"{self.assignment} · {self.criterion_id} = {self.value}"


class Award(models.Model):
    """The jury's decision: a prize goes to an entry, with a citation. Releases build on this row."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="awards")
    prize = models.ForeignKey(Prize, on_delete=models.CASCADE, related_name="awards")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="awards")
    citation_fr = MultiLineTextField(_("citation (French)"), blank=True)
    citation_en = MultiLineTextField(_("citation (English)"), blank=True)
    reason_if_not_ranking = MultiLineTextField(_("why not the ranking's choice"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["prize__order", "prize__name_fr", "pk"]
        constraints = [models.UniqueConstraint(fields=["prize", "entry"], name="unique_award")]

    def __str__(self):
        return f"{self.prize} → {self.entry}"

    @property
    def citation(self) -> str:
        return localized(self, "citation")


class FeedbackPublication(models.Model):
    """When the teams of a contest may read the jury's feedback, and whether their scores per criterion with it.
    Pages compare `publish_at` with the request's time; the mails follow it (`mailed_at`, once every mail went out)."""

    contest = models.OneToOneField(Contest, on_delete=models.CASCADE, related_name="feedback_publication")
    publish_at = models.DateTimeField(_("published from"))
    show_scores = models.BooleanField(_("teams also see their scores per criterion beside the round's average"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    mailed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.contest_id} · {self.publish_at:%Y-%m-%d %H:%M}"

    def is_published(self, now=None) -> bool:
        return self.publish_at <= (now or timezone.now())


class FeedbackModeration(models.Model):
    """The organiser's word on one review's feedback before teams read it: reworded (`text`), or held back, always
    with a reason. The juror's own words stay in Review.team_feedback."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="moderation")
    held = models.BooleanField(default=False)
    text = MultiLineTextField(_("what the team reads"), blank=True)
    reason = MultiLineTextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.review_id} · {'held' if self.held else 'edited'}"


class FeedbackMail(models.Model):
    """One "the jury's feedback is published" mail about one entry to one team member. The unique constraint is the
    claim that makes sending idempotent, whatever number of schedulers run."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "recipient"], name="unique_feedback_mail")]

    def __str__(self):
        return f"{self.entry_id} → {self.recipient_id}"


class JurorMailPreference(models.Model):
    """What a juror chose about the jury's non-essential mails in a contest (reminders before a round closes).
    No row: every mail."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reminders = models.BooleanField(_("remind me of unfinished reviews before a round closes"), default=True)
    digest = models.BooleanField(_("a daily digest of new messages in the discussions I take part in"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contest", "juror"], name="unique_juror_mail_preference")]

    def __str__(self):
        return f"{self.juror_id} · {self.contest_id}"


class JurorMail(models.Model):
    """One mail of the jury's kind to one juror for one round. The unique constraint is the claim that makes
    sending idempotent, whatever number of schedulers run; a row without a mail (`sent=False`) says it was not
    needed (assigned once the round was open: the assignment's mail says so)."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("films assigned")
        OPENED = "opened", _("round open")
        REMINDER = "reminder", _("reminder, days before the close")
        LAST_DAY = "last_day", _("reminder, 24 hours before the close")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent = models.BooleanField(default=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "juror", "kind"], name="unique_juror_mail")]

    def __str__(self):
        return f"{self.round_id} · {self.juror_id} · {self.kind}"


class FinalVote(models.Model):
    """The jury's secret ballot for prizes among a round's finalists, counted by a method fixed before it opens.
    The round's active jurors vote; nobody sees a ballot but its own juror's, nor any count, before `closed_at`."""

    class Method(models.TextChoices):
        SCHULZE = "schulze", _("Schulze (beatpath)")
        RANKED_PAIRS = "ranked_pairs", _("ranked pairs")
        STV = "stv", _("single transferable vote (instant-runoff for one prize)")

    class TieBreak(models.TextChoices):
        ZSCORE = "zscore", _("the round's ranking (per-juror z-scores)")
        PRESIDENT = "president", _("the jury president's casting vote (their own ballot), then the round's ranking")

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="final_vote")
    method = models.CharField(_("counting method"), max_length=20, choices=Method.choices, default=Method.SCHULZE)
    tiebreak = models.CharField(_("tie-break"), max_length=20, choices=TieBreak.choices, default=TieBreak.ZSCORE)
    prizes = models.ManyToManyField(Prize, related_name="+", verbose_name=_("prizes decided"))
    finalists = models.ManyToManyField(Entry, related_name="+", verbose_name=_("finalists"))
    # The tie-break as a strict order of the finalists' ids, written when the ballot opens.
    tiebreak_order = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.round} · {self.method}"

    def state(self) -> str:
        """ "draft" (the organiser prepares it), "open" (jurors vote) or "closed" (the count is shown)."""
        if self.closed_at is not None:
            return "closed"
        return "open" if self.opened_at is not None else "draft"


class BallotPaper(models.Model):
    """One juror's ranking of the finalists (entry ids, most preferred first; those left out come after, tied).
    Changeable until the close; read by nobody but its juror, and by the count once the vote is closed."""

    vote = models.ForeignKey(FinalVote, on_delete=models.CASCADE, related_name="ballots")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ranking = models.JSONField(default=list)
    cast_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vote", "juror"], name="unique_ballot_paper")]

    def __str__(self):
        return f"{self.vote_id} · {self.juror_id}"


class DiscussionMessage(models.Model):
    """A juror's message in the discussion of one entry in one round, read by the jurors who submitted their review
    of it and by organisers; never by the team."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = MultiLineTextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["round", "entry", "created_at"])]

    def __str__(self):
        return f"{self.round_id} · {self.entry_id} · {self.author_id}"


class DigestMail(models.Model):
    """One day's digest of new discussion messages to one juror in one contest. The unique constraint is the claim:
    at most one a day, whatever number of schedulers run. `up_to`: the newest message it told of."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    up_to = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contest", "juror", "day"], name="unique_digest_mail")]

    def __str__(self):
        return f"{self.juror_id} · {self.contest_id} · {self.day}"


class JuryPresident(models.Model):
    """The juror who chairs the contest's jury: opens and leads each round's deliberation (named by an organiser)."""

    contest = models.OneToOneField(Contest, on_delete=models.CASCADE, related_name="jury_president")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    named_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.contest_id} · {self.user_id}"


class Deliberation(models.Model):
    """The jury's meeting on a round, led by the president: the entry being discussed and the decisions taken, which
    every juror of the round follows live on their own screen."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="deliberation")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    current_entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)  # what the followers' screens compare

    def __str__(self):
        return f"{self.round_id} · {self.opened_at:%Y-%m-%d %H:%M}"


class DeliberationDecision(models.Model):
    """One decision recorded in a deliberation, with who and when."""

    class Kind(models.TextChoices):
        SHORTLIST = "shortlist", _("shortlisted")
        PRIZE = "prize", _("proposed for a prize")
        NO_PRIZE = "no_prize", _("no prize awarded")

    deliberation = models.ForeignKey(Deliberation, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    prize = models.ForeignKey(Prize, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.deliberation_id} · {self.kind}"
