"""Next year's edition: a contest's configuration copied into a new contest with new dates, nothing of its teams,
entries or scores. The contest's own rows are copied here; apps above contest copy theirs (rounds and criteria,
audience votes) through `register_edition_copier`, filled in their AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .invitations import invite
from .models import Contest, ContestRole, Invitation
from .services import ContestError, record_event

# The contest's own settings an edition keeps (rules, texts, options): every field but its identity and dates.
CONTEST_FIELDS = (
    "time_zone",
    "description_fr",
    "description_en",
    "max_duration_s",
    "min_duration_s",
    "min_resolution_px",
    "audio_required",
    "max_file_size_bytes",
    "max_synopsis_chars",
    "blind_judging",
    "screening_notice",
)


class EditionError(ContestError):
    pass


@dataclass
class EditionCopy:
    """What a copier is given: the two contests, how far the dates move, and the old → new rows copied so far
    (keyed by model label), so that a later copier finds, e.g., the new prize of an old one."""

    old: Contest
    new: Contest
    shift: timedelta
    rows: dict[str, dict[int, object]] = field(default_factory=dict)

    def moved(self, moment: datetime | None) -> datetime | None:
        return None if moment is None else moment + self.shift


_COPIERS: list[Callable[[EditionCopy], None]] = []


def register_edition_copier(copier: Callable[[EditionCopy], None]) -> None:
    if copier not in _COPIERS:
        _COPIERS.append(copier)


def _copy_rows(copy: EditionCopy, rows, *, exclude=("id", "contest")) -> None:
    for row in rows.order_by("pk"):
        values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.name not in exclude}
        made = type(row).objects.create(contest=copy.new, **values)
        copy.rows.setdefault(row._meta.label, {})[row.pk] = made


@transaction.atomic
def new_edition(
    *,
    contest: Contest,
    slug: str,
    title_fr: str,
    title_en: str,
    opens_at: datetime,
    closes_at: datetime,
    reinvite_jurors: bool,
    by: User,
) -> Contest:
    """Copy `contest`'s configuration into a new contest with these dates: its rules, institutions, content-warning
    categories, support resources, prizes and organisers, then what the apps above copy (rounds, criteria and
    anchors, audience votes), their dates moved as far as the opening. With `reinvite_jurors`, last edition's jurors
    are invited again (mails on commit). Writes the rows, an AuditEvent `edition_created` in both contests.
    Raises EditionError("slug_taken" | "window")."""
    if Contest.objects.filter(slug=slug).exists():
        raise EditionError("slug_taken", _("Another contest already has this address."))
    if closes_at <= opens_at:
        raise EditionError("window", _("Submissions must close after they open."))
    new = Contest.objects.create(
        slug=slug,
        title_fr=title_fr,
        title_en=title_en,
        opens_at=opens_at,
        closes_at=closes_at,
        previous_edition=contest,
        **{name: getattr(contest, name) for name in CONTEST_FIELDS},
    )
    new.institutions.set(contest.institutions.all())
    copy = EditionCopy(old=contest, new=new, shift=opens_at - contest.opens_at)
    _copy_rows(copy, contest.content_warnings.all())
    _copy_rows(copy, contest.support_resources.all())
    _copy_rows(copy, contest.prizes.all())
    organisers = ContestRole.objects.filter(contest=contest, role=ContestRole.Role.ORGANISER)
    _copy_rows(copy, organisers)
    if not ContestRole.objects.filter(contest=new, user=by, role=ContestRole.Role.ORGANISER).exists():
        ContestRole.objects.create(contest=new, user=by, role=ContestRole.Role.ORGANISER)
    for copier in _COPIERS:
        copier(copy)
    invited = []
    if reinvite_jurors:
        jurors = ContestRole.objects.filter(contest=contest, role=ContestRole.Role.JUROR).select_related("user")
        for role in jurors.order_by("user__email"):
            invite(
                contest=new,
                email=role.user.email,
                kind=Invitation.Kind.JUROR,
                by=by,
                language=role.user.preferred_language or "fr",
            )
            invited.append(role.user.email)
    record_event(verb="edition_created", actor=by, contest=new, previous=contest.slug, jurors_invited=len(invited))
    record_event(verb="edition_created", actor=by, contest=contest, next=new.slug, jurors_invited=len(invited))
    return new


def editions(contest: Contest) -> list[Contest]:
    """Every edition of the contest's line, oldest first: the previous ones and the next ones."""
    line = [contest]
    seen = {contest.pk}
    earlier = contest.previous_edition
    while earlier is not None and earlier.pk not in seen:
        line.insert(0, earlier)
        seen.add(earlier.pk)
        earlier = earlier.previous_edition
    later = list(Contest.objects.filter(previous_edition=contest))
    while later:
        following = later[0]
        if following.pk in seen:
            break
        line.append(following)
        seen.add(following.pk)
        later = list(Contest.objects.filter(previous_edition=following))
    return line


def edition_year(contest: Contest) -> int:
    return timezone.localtime(contest.opens_at, contest.tzinfo).year
