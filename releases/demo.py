"""The seed case in the demo contest: « Sans voix » wins the first prize; the award is announced publicly at once,
the film is shown to the jury and the community (the team approved), and a public showing is scheduled for
15 March next year at 09:00, Paris time. « Le Silence des couloirs » wins the audience award, and both its
announcement and its film are public at once (the team approved and agreed to be named). A release template holds
the school's usual plan (announcement public at the ceremony, the film to the community a week later).

Idempotent: the release is planned only when it has no step yet; the award, the template and the demo film only when absent."""

import hashlib
import tempfile
from datetime import datetime
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from contest.models import Contest, ContestRole, Entry, Prize
from judging.models import Award
from judging.services import record_award
from media_pipeline.models import Film
from media_pipeline.samples import make_film
from media_pipeline.selectors import current_film

from . import release_templates, services
from .models import Release, ReleaseTemplate, Target

TITLE = "Sans voix"
PRIZE = "Premier prix"
TEMPLATE = "Annonce publique à la cérémonie, film à la communauté une semaine après"
CITATION_FR = "Pour un silence qui dit tout, et le courage de le briser ensemble."
CITATION_EN = "For a silence that says everything, and the courage to break it together."
PUBLIC_TITLE = "Le Silence des couloirs"
PUBLIC_PRIZE = "Prix du public"
PUBLIC_CITATION_FR = "Pour trois voix qui refusent de se taire."
PUBLIC_CITATION_EN = "For three voices that refuse to keep quiet."


def public_showing_at(contest: Contest, now: datetime) -> datetime:
    local = timezone.localtime(now, contest.tzinfo)
    return datetime(local.year + 1, 3, 15, 9, 0, tzinfo=contest.tzinfo)


def _demo_film(entry: Entry) -> None:
    """A few seconds of test picture, so that `make run` can play the film without a worker (state "ready")."""
    if current_film(entry) is not None:
        return
    key = f"demo/{entry.public_id}.mp4"
    with tempfile.TemporaryDirectory() as folder:
        path = make_film(Path(folder) / "film.mp4", duration_s=4, width=320, height=180, fps=12)
        data = path.read_bytes()
        if not default_storage.exists(key):
            with path.open("rb") as file:
                key = default_storage.save(key, File(file))
    Film.objects.create(
        entry=entry,
        key=key,
        original_name="sans-voix.mp4",
        content_type="video/mp4",
        size=len(data),
        checksum=hashlib.md5(data, usedforsecurity=False).hexdigest(),
        state=Film.State.READY,
    )


@transaction.atomic
def load_release_demo(contest: Contest, *, with_film: bool = True) -> Release | None:
    entry = Entry.objects.filter(contest=contest, title=TITLE).select_related("team").first()
    prize = Prize.objects.filter(contest=contest, name_fr=PRIZE).first()
    if entry is None or prize is None:
        return None
    organiser = (
        ContestRole.objects.filter(contest=contest, role=ContestRole.Role.ORGANISER).select_related("user").first()
    )
    by = organiser.user if organiser else None
    if not Award.objects.filter(prize=prize, entry=entry).exists():
        record_award(prize=prize, entry=entry, by=by, citation_fr=CITATION_FR, citation_en=CITATION_EN)
    if with_film:
        _demo_film(entry)
    _demo_template(contest, by=by)
    release = services.ensure_release(entry=entry, by=by)
    if release.steps.exists():
        return release
    now = timezone.now()
    services.add_step(
        release=release, target=Target.ANNOUNCEMENT, at=now, audiences={"team", "jury", "community", "public"}, by=by
    )
    services.add_step(release=release, target=Target.FILM, at=now, audiences={"team", "jury", "community"}, by=by)
    services.add_step(
        release=release,
        target=Target.FILM,
        at=public_showing_at(contest, now),
        audiences={"team", "jury", "community", "link", "public"},
        by=by,
    )
    captain = entry.team.memberships.order_by("role", "pk").first()
    services.approve_film_steps(
        release=release, step_ids=[step.pk for step in services.pending_approvals(release)], by=captain.user
    )
    services.set_team_name_shown(release=release, show=True, by=captain.user)
    _load_public_film(contest, by=by)
    return release


def _demo_template(contest: Contest, *, by) -> None:
    """The school's usual plan, ready to apply to the next awarded film."""
    if ReleaseTemplate.objects.filter(contest=contest, name=TEMPLATE).exists():
        return
    template = release_templates.create_template(contest=contest, name=TEMPLATE, by=by)
    release_templates.add_template_step(
        template=template,
        target=Target.ANNOUNCEMENT,
        days=0,
        hours=0,
        audiences={"team", "jury", "community", "public"},
        by=by,
    )
    release_templates.add_template_step(
        template=template, target=Target.FILM, days=7, hours=0, audiences={"team", "jury", "community"}, by=by
    )


def _load_public_film(contest: Contest, *, by) -> None:
    """The audience award, announced and shown to everyone now: the demo's film that anyone can play."""
    entry = Entry.objects.filter(contest=contest, title=PUBLIC_TITLE).select_related("team").first()
    prize = Prize.objects.filter(contest=contest, name_fr=PUBLIC_PRIZE).first()
    if entry is None or prize is None:
        return
    if not Award.objects.filter(prize=prize, entry=entry).exists():
        record_award(prize=prize, entry=entry, by=by, citation_fr=PUBLIC_CITATION_FR, citation_en=PUBLIC_CITATION_EN)
    release = services.ensure_release(entry=entry, by=by)
    if release.steps.exists():
        return
    now = timezone.now()
    everyone = {"team", "jury", "community", "link", "public"}
    services.add_step(release=release, target=Target.ANNOUNCEMENT, at=now, audiences=everyone, by=by)
    services.add_step(release=release, target=Target.FILM, at=now, audiences=everyone, by=by)
    captain = entry.team.memberships.order_by("role", "pk").first()
    services.approve_film_steps(
        release=release, step_ids=[step.pk for step in services.pending_approvals(release)], by=captain.user
    )
    services.set_team_name_shown(release=release, show=True, by=captain.user)
