"""The audience award: a vote of the public for a prize, by people who verified an address.

An address is never stored: a voter is known by a keyed hash of it (addresses.address_hash), and by the domain
alone when a vote is open to listed domains. Whether a vote is open, and whether its tally may be read, is decided at
request time from its window and the clock; nothing flips a flag at the close."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.text import SingleLineCharField
from contest.models import Contest, Entry, Prize


class AudienceVote(models.Model):
    """The vote that decides one prize, open from `opens_at` (included) to `closes_at` (excluded)."""

    class Electorate(models.TextChoices):
        COMMUNITY = "community", _("the contest's community (signed in, as for restricted films)")
        DOMAINS = "domains", _("anyone who verifies an address in the listed domains")
        ANYONE = "anyone", _("anyone who verifies an address")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="audience_votes")
    prize = models.OneToOneField(Prize, on_delete=models.CASCADE, related_name="audience_vote")
    electorate = models.CharField(_("who may vote"), max_length=20, choices=Electorate.choices)
    domains = SingleLineCharField(
        _("domains"), max_length=500, blank=True, help_text=_("Separated by spaces or commas, e.g. lycee-gouges.fr")
    )
    opens_at = models.DateTimeField(_("voting opens"))
    closes_at = models.DateTimeField(_("voting closes"))
    require_watched = models.BooleanField(
        _("voters must have watched most of the film"),
        default=False,
        help_text=_("Checked from what the server delivered to the voter's player: at least 80 % of the film."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["prize__order", "prize__name_fr"]

    def __str__(self):
        return f"{self.prize} ({self.contest.slug})"

    def domain_list(self) -> list[str]:
        return sorted({part.strip().lower().lstrip("@") for part in self.domains.replace(",", " ").split() if part})

    def is_open(self, at) -> bool:
        return self.opens_at <= at < self.closes_at

    def is_closed(self, at) -> bool:
        return at >= self.closes_at


class Voter(models.Model):
    """Someone who verified an address for the audience votes of a contest: one person, one row."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="voters")
    address_hash = models.CharField(max_length=64)
    domain = models.CharField(max_length=200)
    # Set when the voter is a signed-in account (the community's votes); the address is the account's.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contest", "address_hash"], name="unique_voter_address")]

    def __str__(self):
        return f"voter {self.pk} · {self.contest_id}"


class VoterLink(models.Model):
    """A single-use, expiring link mailed to an address to verify it. Only the token's hash is stored."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    vote = models.ForeignKey(AudienceVote, on_delete=models.CASCADE, related_name="links")
    address_hash = models.CharField(max_length=64)
    domain = models.CharField(max_length=200)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    def __str__(self):
        return f"link {self.pk} · vote {self.vote_id}"


class AudienceBallot(models.Model):
    """One voter's choice for one prize, changeable until the close; voided ones stay, out of the count."""

    vote = models.ForeignKey(AudienceVote, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="ballots")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+")
    cast_at = models.DateTimeField(default=timezone.now, db_index=True)
    changed_at = models.DateTimeField(default=timezone.now)
    changes = models.PositiveIntegerField(default=0)
    ip = models.GenericIPAddressField(null=True, blank=True)
    network = models.CharField(max_length=64, blank=True)  # the ip's /24 (IPv4) or /48 (IPv6)
    user_agent = models.CharField(max_length=300, blank=True)
    # What the server delivered to the voter's player when the ballot was cast: True (most of the film), False,
    # or None when nothing could be counted (a film without a screener plays its MP4).
    watched = models.BooleanField(null=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    void_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["cast_at", "id"]
        constraints = [models.UniqueConstraint(fields=["vote", "voter"], name="unique_audience_ballot")]

    def __str__(self):
        return f"ballot {self.pk} · vote {self.vote_id}"
