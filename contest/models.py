import secrets
import uuid
import zoneinfo

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.text import MultiLineTextField, SingleLineCharField


def localized(obj, field: str) -> str:
    """The French or English variant of `field` in the active language, falling back to the other one."""
    first, second = ("en", "fr") if (get_language() or "fr").startswith("en") else ("fr", "en")
    return getattr(obj, f"{field}_{first}") or getattr(obj, f"{field}_{second}")


def time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Institution(models.Model):
    """A school or partner organisation that teams (and sometimes jurors) belong to."""

    name = SingleLineCharField(_("name"), max_length=200, unique=True)
    email_domains = SingleLineCharField(
        _("email domains"),
        max_length=500,
        blank=True,
        help_text=_(
            "Addresses in these domains (separated by spaces or commas, e.g. lycee-exemple.fr) count as members of "
            "this institution once verified: their teams need no organiser's approval to join the community."
        ),
    )

    def __str__(self):
        return self.name

    def vouches_for(self, email: str) -> bool:
        """Whether `email` is an address in one of the institution's domains (the domain itself, not a lookalike)."""
        domain = email.rsplit("@", 1)[-1].lower()
        return domain in {d.strip().lower().lstrip("@") for d in self.email_domains.replace(",", " ").split()}


class Contest(models.Model):
    slug = models.SlugField(unique=True)
    title_fr = SingleLineCharField(_("title (French)"), max_length=200)
    title_en = SingleLineCharField(_("title (English)"), max_length=200, blank=True)
    description_fr = MultiLineTextField(_("description (French)"), blank=True)
    description_en = MultiLineTextField(_("description (English)"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris", choices=time_zone_choices)
    opens_at = models.DateTimeField(_("submissions open"))
    closes_at = models.DateTimeField(_("submissions close"))
    institutions = models.ManyToManyField(Institution, blank=True, related_name="contests")

    # Rules read by the media checks and the entry form.
    max_duration_s = models.PositiveIntegerField(_("maximum duration (seconds)"), default=15 * 60)
    min_duration_s = models.PositiveIntegerField(_("minimum duration (seconds)"), default=30)
    min_resolution_px = models.PositiveIntegerField(
        _("minimum resolution (shorter side of the displayed picture, pixels)"), default=720
    )
    audio_required = models.BooleanField(_("audio required"), default=True)
    max_file_size_bytes = models.PositiveBigIntegerField(
        _("maximum file size (bytes)"), default=4 * 1024**3, validators=[MinValueValidator(1)]
    )
    max_synopsis_chars = models.PositiveIntegerField(_("maximum synopsis length (characters)"), default=1200)
    blind_judging = models.BooleanField(_("blind judging"), default=True)
    screening_notice = models.BooleanField(
        _("confidential screening notice"),
        default=False,
        help_text=_("Players of films that are not public show who is watching, in a corner of the picture."),
    )
    previous_edition = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_editions"
    )
    registration_reopened_until = models.DateTimeField(
        _("team registration reopened until"),
        null=True,
        blank=True,
        help_text=_("Team registration closes with the submission window; an organiser can reopen it until then."),
    )

    class Meta:
        ordering = ["-opens_at"]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def registration_closes_at(self):
        """Teams may register themselves until the submission window closes, or until an organiser's reopening."""
        if self.registration_reopened_until and self.registration_reopened_until > self.closes_at:
            return self.registration_reopened_until
        return self.closes_at

    def registration_is_open(self, now=None) -> bool:
        return (now or timezone.now()) <= self.registration_closes_at


class ContestRole(models.Model):
    """Someone who runs or judges a contest. Team members are found through TeamMember instead."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("organiser")
        JUROR = "juror", _("juror")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contest_roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contest", "user", "role"], name="unique_contest_role")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.contest.slug}"


class ContentWarning(models.Model):
    """A category of content warning that teams pick for their entries (e.g. `sexual_violence`)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="content_warnings")
    code = models.SlugField(max_length=50)
    name_fr = SingleLineCharField(_("name (French)"), max_length=120)
    name_en = SingleLineCharField(_("name (English)"), max_length=120, blank=True)

    class Meta:
        ordering = ["name_fr"]
        constraints = [models.UniqueConstraint(fields=["contest", "code"], name="unique_warning_code")]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class SupportResource(models.Model):
    """Who to call or read: shown beside content warnings."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="support_resources")
    name = SingleLineCharField(_("name"), max_length=200)
    phone = SingleLineCharField(_("phone"), max_length=40, blank=True)
    url = models.URLField(_("link"), blank=True)
    description_fr = SingleLineCharField(_("description (French)"), max_length=300, blank=True)
    description_en = SingleLineCharField(_("description (English)"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    @property
    def description(self) -> str:
        return localized(self, "description")


class Prize(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="prizes")
    name_fr = SingleLineCharField(_("name (French)"), max_length=120)
    name_en = SingleLineCharField(_("name (English)"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name_fr"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Team(models.Model):
    class Approval(models.TextChoices):
        """A team registered by its own members counts for its own entries only until an organiser approves it:
        community access (restricted films) is earned, not claimed by picking an institution from a list."""

        PENDING = "pending", _("waiting for the organisers' approval")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="teams")
    name = SingleLineCharField(_("team name"), max_length=120)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="teams")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="TeamMember", related_name="teams")
    deadline_extended_to = models.DateTimeField(_("deadline extended to"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    approval = models.CharField(_("approval"), max_length=20, choices=Approval.choices, default=Approval.PENDING)
    approval_decided_at = models.DateTimeField(null=True, blank=True)
    approval_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    refusal_reason = MultiLineTextField(_("reason for the refusal"), blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["contest", "name"], name="unique_team_name")]

    def __str__(self):
        return self.name

    @property
    def closes_at(self):
        """The deadline that applies to this team: the contest's, or a later extension."""
        if self.deadline_extended_to and self.deadline_extended_to > self.contest.closes_at:
            return self.deadline_extended_to
        return self.contest.closes_at

    def window_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.contest.opens_at <= now <= self.closes_at


class TeamMember(models.Model):
    class Role(models.TextChoices):
        CAPTAIN = "captain", _("captain")
        MEMBER = "member", _("member")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    job = SingleLineCharField(_("role in the film"), max_length=120, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="unique_team_member")]

    def __str__(self):
        return f"{self.user} · {self.team}"


def subtitle_key(instance, filename: str) -> str:
    """A random key for a team's subtitle file: the name a team gives it often carries a title or a person's."""
    extension = filename[filename.rfind(".") :].lower() if "." in filename else ""
    return f"subtitles/{uuid.uuid4()}{extension if extension in ('.vtt', '.srt') else ''}"


def entry_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))


class Entry(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        WITHDRAWN = "withdrawn", _("withdrawn")
        DISQUALIFIED = "disqualified", _("disqualified")

    # Still in the contest: a team may change or withdraw these; a withdrawn or disqualified entry is closed.
    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("entry code"), max_length=12, unique=True, default=entry_code, editable=False)
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="entries")
    title = SingleLineCharField(_("title"), max_length=200)
    synopsis_fr = MultiLineTextField(_("synopsis (French)"), blank=True)
    synopsis_en = MultiLineTextField(_("synopsis (English)"), blank=True)
    credits = MultiLineTextField(_("credits"), blank=True)
    language = SingleLineCharField(_("language of the film"), max_length=40, blank=True)
    runtime_s = models.PositiveIntegerField(_("runtime (seconds)"), null=True, blank=True)
    # Where the film's opening credits end and its closing credits start (seconds), as the team marks them: the
    # jury's screener is cut there (media_pipeline.jury_cut), so that the names in the credits do not reach a blind
    # round. The public's renditions are not cut.
    opening_credits_end_s = models.FloatField(_("opening credits end at"), null=True, blank=True)
    closing_credits_start_s = models.FloatField(_("closing credits start at"), null=True, blank=True)
    subtitle_file = models.FileField(_("subtitle file (WebVTT or SRT)"), upload_to=subtitle_key, blank=True)
    content_warnings = models.ManyToManyField(ContentWarning, blank=True, related_name="entries")
    consent_on_screen = models.BooleanField(
        _("Everyone on screen consented to be filmed and to the uses listed in the rules."), default=False
    )
    rights_cleared = models.BooleanField(_("Music and footage rights are cleared."), default=False)
    rules_accepted = models.BooleanField(_("Our team agrees to the contest rules."), default=False)
    # Filled by the media pipeline; until it exists, organisers may set it.
    film_accepted = models.BooleanField(_("film accepted"), default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    disqualification_reason = MultiLineTextField(_("reason for disqualification"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "entries"

    def __str__(self):
        return self.title

    @property
    def synopsis(self) -> str:
        return localized(self, "synopsis")

    @property
    def declarations_complete(self) -> bool:
        return self.consent_on_screen and self.rights_cleared and self.rules_accepted


class MarkedPassage(models.Model):
    """A passage of the film the team marks as hard to watch, with its category: players tell the viewer a few
    seconds before it and offer to skip it; a juror who skips it loses nothing of their watched share."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="passages")
    content_warning = models.ForeignKey(ContentWarning, on_delete=models.CASCADE, related_name="+")
    start_s = models.FloatField(_("from (seconds)"))
    end_s = models.FloatField(_("to (seconds)"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start_s", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(start_s__gte=0) & models.Q(end_s__gt=models.F("start_s")),
                                   name="passage_in_order"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.entry_id} · {self.span}"

    @property
    def span(self) -> str:
        """From–to as a viewer reads it on a player ("1:05–1:40")."""
        return f"{timecode(self.start_s)}–{timecode(self.end_s)}"


def timecode(seconds: float) -> str:
    """Seconds as minutes:seconds, or hours:minutes:seconds from an hour on, rounded down to the second."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def timecode_or_empty(seconds: float | None) -> str:
    """A moment as the team typed it back into a timecode field: tenths and thousandths kept ("0:05.25"), "" for
    none."""
    if seconds is None:
        return ""
    fraction = round(seconds - int(seconds), 3)
    return timecode(seconds) + (f"{fraction:.3f}".rstrip("0")[1:] if fraction else "")


class ConsentUse(models.TextChoices):
    """What a person on screen agrees their film may be shown for. The values are the release audiences they open
    (releases.models.Audience), so that visibility can narrow a step by them; the team and the organisers are no use:
    they always see their own film."""

    JURY = "jury", _("the jury, to judge the film")
    COMMUNITY = "community", _("the campus community (members of the contest's institutions and invited people)")
    LINK = "link", _("people given a private share link")
    PUBLIC = "public", _("everyone (public)")


class PersonOnScreen(models.Model):
    """Someone the team says appears in its film. Their consent is recorded use by use (ConsentRecord) through a
    secret link of their own, and, for a minor, through a second link to a guardian: both must agree."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="people_on_screen")
    name = SingleLineCharField(_("name"), max_length=200)
    role_in_film = SingleLineCharField(_("role in the film"), max_length=200, blank=True)
    email = models.EmailField(_("email"))
    minor = models.BooleanField(_("under 18"), default=False)
    guardian_email = models.EmailField(_("a parent's or guardian's email"), blank=True)
    # Hashes of the secret links (accounts.models.hash_token); a new link replaces the old one, which dies.
    person_token_hash = models.CharField(max_length=64, blank=True)
    guardian_token_hash = models.CharField(max_length=64, blank=True)
    # An organiser may let the jury see the film without this person's consent (someone unreachable), with a reason.
    jury_waived_at = models.DateTimeField(null=True, blank=True)
    jury_waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    jury_waiver_reason = MultiLineTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.name


class ConsentRecord(models.Model):
    """One answer of one party (the person, or a minor's guardian) about one use, from `recorded_at` on: given or
    refused, and if given, until when. Never changed: a new answer adds a record, so the rows are the proof of what
    was consented, when and by whom; the answer in force at a second is the party's latest record before it."""

    class Party(models.TextChoices):
        PERSON = "person", _("the person")
        GUARDIAN = "guardian", _("their parent or guardian")

    person = models.ForeignKey(PersonOnScreen, on_delete=models.CASCADE, related_name="consent_records")
    party = models.CharField(max_length=10, choices=Party.choices)
    use = models.CharField(max_length=20, choices=ConsentUse.choices)
    given = models.BooleanField()
    until = models.DateTimeField(null=True, blank=True)
    # The address the link was sent to when this answer was given.
    email = models.EmailField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["person", "party", "use", "recorded_at"])]

    def __str__(self):
        return f"{self.person} · {self.party} · {self.use} · {self.given}"


class EntryEdit(models.Model):
    """A team's change to the public text of an announced entry (title, synopses, credits), kept apart from the entry
    until an organiser decides: the entry, and so every public page, keeps the approved text meanwhile."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")
        SUPERSEDED = "superseded", _("replaced by a later proposal")
        WITHDRAWN = "withdrawn", _("withdrawn by the team")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="edits")
    # {field name: proposed value}, and the approved values they would replace when proposed (for the record).
    fields = models.JSONField()
    before = models.JSONField()
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = MultiLineTextField(_("reason, shown to the team"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"], condition=models.Q(decision="pending"), name="one_pending_edit_per_entry"
            )
        ]

    def __str__(self):
        return f"{self.entry} · {self.decision}"

    def changes(self) -> list[tuple[str, str, str]]:
        """(field label, approved text now, proposed text) for each proposed field, in the form's order."""
        return [
            (str(Entry._meta.get_field(name).verbose_name), getattr(self.entry, name), self.fields[name])
            for name in REVIEWED_FIELDS
            if name in self.fields
        ]


# What a team fills in on its entry, in the order the form shows it: the form's fields and what the services accept.
ENTRY_FIELDS = (
    "title",
    "synopsis_fr",
    "synopsis_en",
    "credits",
    "language",
    "runtime_s",
    "subtitle_file",
    "content_warnings",
    "consent_on_screen",
    "rights_cleared",
    "rules_accepted",
)

# The public text of an entry: once it is announced beyond its team and jury, a team's change to these waits.
REVIEWED_FIELDS = ("title", "synopsis_fr", "synopsis_en", "credits")


EVENT_LABELS = {
    "edition_created": _("next edition made from this one"),
    "entry_created": _("entry created"),
    "entry_updated": _("entry updated"),
    "entry_submitted": _("entry submitted"),
    "entry_withdrawn": _("entry withdrawn"),
    "entry_disqualified": _("entry disqualified"),
    "entry_reinstated": _("entry reinstated"),
    "film_accepted": _("film accepted"),
    "film_unaccepted": _("film no longer accepted"),
    "film_received": _("film received"),
    "film_checked": _("film checked"),
    "film_ready": _("film ready for the jury"),
    "film_failed": _("film processing failed"),
    "film_retried": _("film processing started again"),
    "extension_granted": _("extension granted"),
    "team_created": _("team registered"),
    "team_approved": _("team approved"),
    "team_refused": _("team refused"),
    "registration_reopened": _("team registration reopened"),
    "email_verified": _("email address verified"),
    "two_factor_enabled": _("two-factor authentication turned on"),
    "two_factor_disabled": _("two-factor authentication turned off"),
    "invitation_sent": _("invitation sent"),
    "people_imported": _("teams or jurors imported from a file"),
    "group_message_sent": _("message sent to a group"),
    "invitation_accepted": _("invitation accepted"),
    "entry_edit_proposed": _("changes to the public text proposed"),
    "entry_edit_withdrawn": _("proposed changes withdrawn"),
    "entry_edit_approved": _("changes to the public text approved"),
    "entry_edit_refused": _("changes to the public text refused"),
    "passage_marked": _("a hard passage of the film marked"),
    "passage_unmarked": _("a marked passage removed"),
    "credits_marked": _("the film's opening and closing credits marked"),
    "person_on_screen_added": _("person on screen listed"),
    "person_on_screen_removed": _("person on screen taken off the list"),
    "consent_link_sent": _("consent link sent"),
    "consent_answered": _("a person on screen answered about their consent"),
    "jury_consent_waived": _("an organiser let the jury see the film without one person's consent"),
}


class Invitation(models.Model):
    """An emailed, single-use link that gives a role. Only the token's hash is stored."""

    class Kind(models.TextChoices):
        TEAM_MEMBER = "team_member", _("team member")
        JUROR = "juror", _("juror")
        ORGANISER = "organiser", _("organiser")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    email = models.EmailField()
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="invitations")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "accounts_invitation"  # made in accounts, moved here with its rows (issue 13)

    def __str__(self):
        return f"{self.get_kind_display()} → {self.email}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class AuditEvent(models.Model):
    """Who did what, when. Written by services for every change of state; never edited."""

    contest = models.ForeignKey(Contest, null=True, on_delete=models.CASCADE, related_name="audit_events")
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    verb = models.CharField(max_length=60)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor} {self.verb}"

    @property
    def label(self) -> str:
        """The verb in words; apps that add verbs may add labels to EVENT_LABELS."""
        return str(EVENT_LABELS.get(self.verb, self.verb.replace("_", " ")))


class GroupMessage(models.Model):
    """A mail an organiser sent to a group (teams whose film is missing, jurors with unfinished reviews, release
    subscribers…): its text, and the people the group held at the second it was sent (`recipient_ids`). Each is
    mailed once, by the worker's sweep (contest.group_messages.deliver); GroupMessageDelivery rows are the log."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="group_messages")
    group = models.CharField(_("group"), max_length=40)
    subject = SingleLineCharField(_("subject"), max_length=150)
    body = MultiLineTextField(_("message"))
    recipient_ids = models.JSONField(default=list)
    token = models.UUIDField(unique=True)  # the form's, so that a second click sends nothing more
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.contest_id} · {self.group} · {self.subject}"


class GroupMessageDelivery(models.Model):
    """One person mailed one group message: inserted with the sending, so that it happens once."""

    message = models.ForeignKey(GroupMessage, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="group_message_once_per_person")]

    def __str__(self):
        return f"{self.message_id} → {self.user_id}"
