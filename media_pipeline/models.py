import uuid

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contest.models import Entry


def new_upload_key() -> str:
    """A random, single-use object key. Never derived from the file name: names leak titles and people."""
    return f"uploads/{uuid.uuid4()}"


class Upload(models.Model):
    """One multipart upload in progress, from the browser straight to storage (or to Django in local mode)."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        COMPLETED = "completed", _("completed")
        ABORTED = "aborted", _("aborted")

    # `public_id` is the `uploadId` of the browser contract; the storage's own id never leaves the server.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="uploads")
    key = models.CharField(max_length=200, unique=True, default=new_upload_key, editable=False)
    storage_upload_id = models.CharField(max_length=1024, editable=False)
    original_name = models.CharField(_("original file name"), max_length=255)
    declared_size = models.PositiveBigIntegerField(_("declared size (bytes)"))
    part_size = models.PositiveBigIntegerField(_("part size (bytes)"))
    content_type = models.CharField(max_length=120)
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.key} ({self.state})"

    @property
    def part_count(self) -> int:
        return max(1, -(-self.declared_size // self.part_size))

    def part_length(self, number: int) -> int:
        """The exact size in bytes of part `number` (1-based) of the declared file: `part_size`, the last part the
        rest. Storage is told to take that size and nothing else (signed Content-Length, local part check)."""
        if number < self.part_count:
            return self.part_size
        return self.declared_size - (self.part_count - 1) * self.part_size


class Film(models.Model):
    """A completely uploaded film file. The entry's current film is its latest Film row."""

    class State(models.TextChoices):
        RECEIVED = "received", _("received, being checked")
        CHECKING = "checking", _("being checked")
        REJECTED = "rejected", _("rejected")
        TRANSCODING = "transcoding", _("being prepared for viewing")
        READY = "ready", _("ready")
        FAILED = "failed", _("processing failed")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="films")
    upload = models.OneToOneField(Upload, null=True, blank=True, on_delete=models.SET_NULL, related_name="film")
    key = models.CharField(max_length=200, unique=True)
    # Organisers only: a file name often carries a title or a name, which blind judging must not show.
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    checksum = models.CharField(_("checksum reported by storage (ETag)"), max_length=100)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RECEIVED, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set when a newer upload completed; the row stays as a record, the object is deleted after commit.
    replaced_at = models.DateTimeField(null=True, blank=True)

    # The pipeline (pipeline.py). A worker claims a step with a conditional update that sets `lease_until`; while it
    # works it pushes the lease forward, so a lease in the past means nobody is working (worker killed, message lost).
    state_changed_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True, help_text=_("when the current step was last queued"))
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text=_("attempts at the current step"))
    progress = models.FloatField(default=0.0, help_text=_("share of the transcode done, 0 to 1"))
    problems = models.JSONField(default=list, blank=True)  # [{code, params, message}], see problems.Problem.stored
    warnings = models.JSONField(default=list, blank=True)
    failure = models.TextField(_("why processing failed"), blank=True)
    probe = models.JSONField(default=dict, blank=True)  # ProbeReport.as_dict() without the messages
    duration_s = models.FloatField(null=True, blank=True)
    loudness_lufs = models.FloatField(_("integrated loudness (LUFS)"), null=True, blank=True)
    true_peak_dbtp = models.FloatField(_("true peak (dBTP)"), null=True, blank=True)
    check_seconds = models.FloatField(null=True, blank=True)
    transcode_seconds = models.FloatField(null=True, blank=True)
    queued_seconds = models.FloatField(null=True, blank=True, help_text=_("wait between upload and start of checks"))

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"], condition=models.Q(replaced_at__isnull=True), name="one_current_film_per_entry"
            )
        ]

    def __str__(self):
        return f"{self.key} ({self.state})"

    def open(self, mode: str = "rb"):
        """The stored file, read from the default storage (local folder or S3 bucket)."""
        return default_storage.open(self.key, mode)


class Rendition(models.Model):
    """A file made from a Film by the transcode: what players, posters and subtitle tracks load. Keys are random:
    they name neither the team nor the uploaded file."""

    class Kind(models.TextChoices):
        PROXY = "proxy", _("proxy (jury player)")
        LIGHT = "light", _("light rendition (phones)")
        POSTER = "poster", _("poster")
        SUBTITLES = "subtitles", _("subtitles (WebVTT)")

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="renditions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=200, unique=True)
    content_type = models.CharField(max_length=60)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    position = models.FloatField(default=0.0, help_text=_("for posters: the fraction of the film it shows"))

    class Meta:
        ordering = ["film", "kind", "position"]

    def __str__(self):
        return f"{self.kind} {self.key}"


def new_rendition_key(kind: str, extension: str) -> str:
    return f"renditions/{uuid.uuid4()}/{kind}.{extension}"


class ReplacementRequest(models.Model):
    """A team's request to replace the film of an entry that is locked (judged, awarded or released, see
    replacement_locks). An organiser approves or refuses it with a reason; an approval allows one upload."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for the organisers")
        APPROVED = "approved", _("approved: one upload allowed")
        REFUSED = "refused", _("refused")
        USED = "used", _("used")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="replacement_requests")
    reason = models.TextField(_("why the film should be replaced"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("the organisers' reason"), blank=True)
    upload = models.OneToOneField(Upload, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.entry_id} · {self.state}"


def new_screener_prefix() -> str:
    return f"screeners/{uuid.uuid4()}"


class Screener(models.Model):
    """A film's ladder for adaptive streaming (ladder.py) as stored: rungs of one-second MPEG-TS segments under a
    random prefix, in variants A and B when marked, with the reference a copy is read against. Every ready film has
    a marked one, made by its own task (the film plays from its MP4 proxy meanwhile); a film shown to the public has
    a plain one too, unmarked, that every public session is served."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        MAKING = "making", _("being made")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="screeners")
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED, db_index=True)
    marked = models.BooleanField(default=True)
    prefix = models.CharField(max_length=200, unique=True, default=new_screener_prefix, editable=False)
    rungs = models.JSONField(default=list, blank=True)  # [{lines, width, height, max_rate, size, codec, segments}]
    audio_segments = models.JSONField(default=list, blank=True)  # each segment's duration, in seconds
    size = models.PositiveBigIntegerField(default=0)  # bytes, every rung and variant, sound and reference
    progress = models.FloatField(default=0.0)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)
    seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # A film has its marked screener, and once public one plain screener more (every public session's).
        constraints = [models.UniqueConstraint(fields=["film", "marked"], name="one_screener_per_film_and_kind")]

    def __str__(self):
        return f"{self.prefix} ({self.state})"

    @property
    def variants(self) -> tuple[str, ...]:
        return ("a", "b") if self.marked else ("plain",)

    def segment_key(self, lines: int, variant: str, index: int) -> str:
        return f"{self.prefix}/{lines}/{variant}/seg{index:05d}.ts"

    def audio_key(self, index: int) -> str:
        return f"{self.prefix}/audio/seg{index:05d}.ts"

    @property
    def reference_key(self) -> str:
        return f"{self.prefix}/reference.npz"

    def stored_keys(self) -> list[str]:
        """Every object the screener stored."""
        keys = [self.audio_key(index) for index in range(len(self.audio_segments))]
        for rung in self.rungs:
            for variant in self.variants:
                keys += [self.segment_key(rung["lines"], variant, index) for index in range(len(rung["segments"]))]
        return keys + ([self.reference_key] if self.marked else [])


class ViewingSession(models.Model):
    """One viewing of a screener: who (a user, or a share link's label), which film, when, from what browser. Its
    number (the id) chooses its sequence of A and B segments (accusation.variant), so a leaked copy names it. The
    token of its playlist addresses is stored only as a hash, and works only in the browser session that opened
    it, until `expires_at` and while the right it was opened under holds (viewing_rights)."""

    class Kind(models.TextChoices):
        JUROR = "juror", _("juror")
        TEAM = "team", _("team member")
        ORGANISER = "organiser", _("organiser")
        COMMUNITY = "community", _("community member")
        SHARE = "share", _("share link")
        PUBLIC = "public", _("public")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="viewing_sessions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="viewing_sessions"
    )
    label = models.CharField(max_length=200, blank=True)  # a share link's label
    grant = models.CharField(max_length=100, blank=True)  # what gave the right ("share:12"), for viewing_rights
    token_hash = models.CharField(max_length=64, unique=True)
    browser_hash = models.CharField(max_length=64)
    user_agent = models.CharField(max_length=300, blank=True)
    marked = models.BooleanField(default=True)
    screener = models.ForeignKey(Screener, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"session {self.pk} · {self.kind} · film {self.film_id}"


class SegmentDelivery(models.Model):
    """A segment of the picture the app handed to a viewing session (counted at the redirect to storage): what a
    viewer really received, whatever the player reports."""

    session = models.ForeignKey(ViewingSession, on_delete=models.CASCADE, related_name="deliveries")
    segment = models.PositiveIntegerField()
    times = models.PositiveIntegerField(default=1)
    first_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "segment"], name="one_delivery_row_per_segment")]

    def __str__(self):
        return f"session {self.session_id} · segment {self.segment} × {self.times}"


def new_trace_key() -> str:
    return f"traces/{uuid.uuid4()}"


class LeakTrace(models.Model):
    """A suspected copy an organiser uploaded, and what tracing it found (tracing.py). The copy is deleted once
    traced: the verdict is the record (who asked, when, what it named)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting for a worker")
        TRACING = "tracing", _("being traced")
        DONE = "done", _("traced")
        FAILED = "failed", _("could not be traced")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contest = models.ForeignKey("contest.Contest", on_delete=models.CASCADE, related_name="leak_traces")
    key = models.CharField(max_length=200, unique=True, default=new_trace_key, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    verdict = models.CharField(max_length=20, blank=True)  # identified | several | not_found
    result = models.JSONField(default=dict, blank=True)  # tracing.Trace.as_dict()
    failure = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"trace {self.public_id} ({self.state})"
