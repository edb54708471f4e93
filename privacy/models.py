from django.conf import settings
from django.db import models
from django.utils import timezone


class Erasure(models.Model):
    """A withdrawn team whose personal data and files were erased. What stays: the team and entry rows under
    neutral names, so anonymised scores still count in results; `counts` says what went (no names)."""

    team = models.OneToOneField("contest.Team", on_delete=models.CASCADE, related_name="erasure")
    erased_at = models.DateTimeField(default=timezone.now)
    erased_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    counts = models.JSONField(default=dict)

    def __str__(self):
        return f"team {self.team_id} erased {self.erased_at:%Y-%m-%d}"
