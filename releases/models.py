"""Releases: who may see an entry's announcement and its film, and from when.

Visibility is never stored as a flag that a worker flips: it is computed at request time from the ReleaseStep rows
and the clock (releases.permissions.can_see). Workers only send the notifications that follow a step."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.text import SingleLineCharField
from contest.models import Contest, Entry


class Audience(models.TextChoices):
    """From narrowest to widest. Organisers always see everything, whatever a step says."""

    TEAM = "team", _("the team")
    ORGANISERS = "organisers", _("organisers")
    JURY = "jury", _("the jury")
    COMMUNITY = "community", _("the community (members of the contest's institutions and invited people)")
    LINK = "link", _("holders of a share link")
    PUBLIC = "public", _("everyone (public)")


AUDIENCE_ORDER = [audience.value for audience in Audience]
# Showing the film to these needs the team's live approval of the step (the consent gate).
WIDE_FILM_AUDIENCES = frozenset({Audience.COMMUNITY, Audience.LINK, Audience.PUBLIC})
# The audiences a step stores; organisers are implied by every step.
STEP_AUDIENCES = [Audience.TEAM, Audience.JURY, Audience.COMMUNITY, Audience.LINK, Audience.PUBLIC]


def audience_flags(audiences) -> dict[str, bool]:
    """The to_<audience> fields of a step (a release's or a template's) naming these audiences."""
    return {f"to_{audience}": audience in audiences for audience in STEP_AUDIENCES}


def named_audiences(step) -> list[str]:
    """The audiences a step's to_<audience> fields name, narrowest first, organisers left out."""
    return [audience for audience in STEP_AUDIENCES if getattr(step, f"to_{audience}")]


def labels_of(audiences) -> list[str]:
    """Audiences in words, narrowest first, organisers included (they see everything), for organiser pages."""
    labels = dict(Audience.choices)
    named = set(audiences) | {Audience.ORGANISERS}
    return [str(labels[audience]) for audience in AUDIENCE_ORDER if audience in named]


class Target(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("announcement")
    FILM = "film", _("film")


class Release(models.Model):
    """How an entry is shown once the jury has decided: one per entry, with two ladders of steps."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="releases")
    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="release")
    # The team's choice: its name appears on the announcement only when it agreed.
    show_team_name = models.BooleanField(_("show the team's name"), default=False)
    # Storage key of a still picture for the announcement; empty until the media pipeline (or the demo) sets one.
    poster_key = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["contest", "entry__title"]

    def __str__(self):
        return f"{self.entry} ({self.contest.slug})"


class ReleaseStep(models.Model):
    """From `at` on (until the next step of the same target), the target is shown to these audiences.

    Steps are never edited: a change cancels a step and adds another, so the audit log and the team's approvals
    always refer to exactly what was planned. A step's film approval is the team's consent to *that* step."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="steps")
    target = models.CharField(max_length=20, choices=Target.choices)
    at = models.DateTimeField(_("from"), db_index=True)
    to_team = models.BooleanField(_("the team"), default=False)
    to_jury = models.BooleanField(_("the jury"), default=False)
    to_community = models.BooleanField(_("the community"), default=False)
    to_link = models.BooleanField(_("share-link holders"), default=False)
    to_public = models.BooleanField(_("everyone"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The team's live approval (film steps with a wide audience only); withdrawal sets it back to null.
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set by the notification task once every recipient was handled.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["release", "target", "at"])]

    def __str__(self):
        return f"{self.release_id} · {self.target} · {self.at:%Y-%m-%d %H:%M:%S} · {','.join(self.audiences)}"

    @property
    def audiences(self) -> list[str]:
        """The audiences the step names, narrowest first (organisers always included)."""
        named = set(named_audiences(self))
        return [audience for audience in AUDIENCE_ORDER if audience in named or audience == Audience.ORGANISERS]

    @property
    def audience_labels(self) -> list[str]:
        """The audiences in words, in the reader's language, for organiser pages."""
        return labels_of(self.audiences)

    @property
    def needs_approval(self) -> bool:
        return self.target == Target.FILM and bool(WIDE_FILM_AUDIENCES & set(self.audiences))

    def summary(self) -> dict:
        """What the audit log keeps of a step."""
        return {"id": self.pk, "target": self.target, "at": self.at.isoformat(), "audiences": self.audiences}


class ShareLink(models.Model):
    """A secret link for press or partners. Only the token's hash is stored; the token is shown once."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)
    label = SingleLineCharField(_("for whom"), max_length=120)
    expires_at = models.DateTimeField(_("expires"))
    max_views = models.PositiveIntegerField(_("maximum number of views"), null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.label} · {self.release_id}"

    def is_live(self, at) -> bool:
        if self.revoked_at is not None or self.expires_at <= at:
            return False
        return self.max_views is None or self.view_count <= self.max_views


class CommunityMember(models.Model):
    """Someone invited into the contest's community without belonging to one of its institutions."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="community_members")
    email = models.EmailField()
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(fields=["contest", "email"], name="unique_community_member")]

    def __str__(self):
        return f"{self.email} · {self.contest.slug}"


class ReleaseSubscription(models.Model):
    """Someone who asked to be emailed when a step lets them see more of this contest's palmarès."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="release_subscriptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contest", "user"], name="unique_release_subscription")]

    def __str__(self):
        return f"{self.user_id} · {self.contest_id}"


class NotificationSent(models.Model):
    """One mail for one step to one person. The unique constraint is the claim that makes sending idempotent."""

    step = models.ForeignKey(ReleaseStep, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["step", "recipient"], name="unique_step_notification")]

    def __str__(self):
        return f"{self.step_id} → {self.recipient_id}"


class ReleaseTemplate(models.Model):
    """A contest's usual release plan, e.g. "announcement public at the ceremony, the film to the community a week
    later": steps timed after a moment the organiser picks when applying it to an entry's release. It holds no date,
    so next year's edition copies it as it is."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="release_templates")
    name = SingleLineCharField(_("name"), max_length=120)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["contest", "name"], name="release_template_name_unique")]

    def __str__(self):
        return self.name


class ReleaseTemplateStep(models.Model):
    """One step of a template: `target` shown to the audiences from `days` days and `hours` hours after the moment
    the template is applied from, counted on the contest's clock (a week later is the same local hour, across a
    change of summer time)."""

    template = models.ForeignKey(ReleaseTemplate, on_delete=models.CASCADE, related_name="steps")
    target = models.CharField(max_length=20, choices=Target.choices)
    days = models.PositiveSmallIntegerField(_("days after"), default=0)
    hours = models.PositiveSmallIntegerField(_("hours after"), default=0)
    to_team = models.BooleanField(_("the team"), default=False)
    to_jury = models.BooleanField(_("the jury"), default=False)
    to_community = models.BooleanField(_("the community"), default=False)
    to_link = models.BooleanField(_("share-link holders"), default=False)
    to_public = models.BooleanField(_("everyone"), default=False)

    class Meta:
        ordering = ["days", "hours", "id"]

    def __str__(self):
        return f"{self.template_id} · {self.target} · +{self.days} d {self.hours} h · {','.join(self.audiences)}"

    @property
    def audiences(self) -> list[str]:
        return named_audiences(self)

    @property
    def audience_labels(self) -> list[str]:
        return labels_of(self.audiences)
