"""Per-organiser API tokens. Only a token's SHA-256 is stored; the secret is shown once, when it is created."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.text import SingleLineCharField


class Scope(models.TextChoices):
    READ = "read", _("read contests, entries, assignments, scores, results, awards and releases")
    AWARDS_WRITE = "awards:write", _("record and remove awards")
    RELEASES_WRITE = "releases:write", _("create releases, add and cancel steps, unpublish")


# Every token prefix starts with this, so that a leaked token is easy to recognise in logs and secret scanners.
TOKEN_PREFIX = "plm_"  # noqa: S105 (a public marker, not a secret)


class ApiToken(models.Model):
    """A secret an organiser gives a tool. It acts as its owner, on the contests its owner organises, within its
    scopes, until it is revoked."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    label = SingleLineCharField(_("what it is for"), max_length=120)
    # The first characters of the secret, to tell tokens apart in lists; never enough to use it.
    prefix = models.CharField(max_length=12)
    secret_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.prefix}… · {self.label} · {self.user}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
