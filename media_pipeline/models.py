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
