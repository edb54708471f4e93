"""Release templates: a contest's usual plan ("announcement public at the ceremony, the film to the community a week
later"), kept once and applied to any entry's release from a moment the organiser picks. Applying writes ordinary
ReleaseSteps through services.add_step, so the consent gate, the audit and the team's mails are the same as for a
step added by hand. Next year's edition copies the templates (they hold no date)."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from contest.editions import EditionCopy
from contest.models import Contest
from contest.services import record_event

from .models import Release, ReleaseStep, ReleaseTemplate, ReleaseTemplateStep, audience_flags
from .services import ReleaseError, add_step, checked_step

MAX_DAYS = 366


def _summary(template: ReleaseTemplate) -> list[dict]:
    return [
        {"target": step.target, "days": step.days, "hours": step.hours, "audiences": step.audiences}
        for step in template.steps.all()
    ]


@transaction.atomic
def create_template(*, contest: Contest, name: str, by: User | None) -> ReleaseTemplate:
    """A template with no step yet. Writes a ReleaseTemplate and an AuditEvent. Raises ReleaseError("name_taken")."""
    try:
        with transaction.atomic():
            template = ReleaseTemplate.objects.create(contest=contest, name=name, created_by=by)
    except IntegrityError:
        raise ReleaseError("name_taken", _("Another template already has this name.")) from None
    record_event(verb="release_template_created", actor=by, contest=contest, template=template.pk, name=name)
    return template


@transaction.atomic
def add_template_step(
    *, template: ReleaseTemplate, target: str, days: int, hours: int, audiences: set[str] | list[str], by: User | None
) -> ReleaseTemplateStep:
    """Writes a ReleaseTemplateStep and an AuditEvent with the template before and after.
    Raises ReleaseError("unknown_target" | "unknown_audience" | "delay")."""
    audiences = checked_step(target, audiences)
    if not (0 <= days <= MAX_DAYS and 0 <= hours <= 23):
        raise ReleaseError("delay", _("Give between 0 and 366 days and between 0 and 23 hours."))
    ReleaseTemplate.objects.select_for_update().get(pk=template.pk)
    before = _summary(template)
    step = ReleaseTemplateStep.objects.create(
        template=template,
        target=target,
        days=days,
        hours=hours,
        **audience_flags(audiences),
    )
    record_event(
        verb="release_template_changed",
        actor=by,
        contest=template.contest,
        template=template.pk,
        before=before,
        after=_summary(template),
    )
    return step


@transaction.atomic
def remove_template_step(*, step: ReleaseTemplateStep, by: User | None) -> None:
    """Deletes the step (releases already planned from the template keep theirs). Writes an AuditEvent."""
    template = ReleaseTemplate.objects.select_for_update().get(pk=step.template_id)
    before = _summary(template)
    step.delete()
    record_event(
        verb="release_template_changed",
        actor=by,
        contest=template.contest,
        template=template.pk,
        before=before,
        after=_summary(template),
    )


@transaction.atomic
def delete_template(*, template: ReleaseTemplate, by: User | None) -> None:
    """Deletes the template and its steps; releases planned from it keep their steps. Writes an AuditEvent."""
    record_event(
        verb="release_template_deleted",
        actor=by,
        contest=template.contest,
        template=template.pk,
        name=template.name,
        steps=_summary(template),
    )
    template.delete()


def step_moment(template_step: ReleaseTemplateStep, start: datetime, contest: Contest) -> datetime:
    """When the step takes effect: `start` plus its days and hours on the contest's clock, so that "a week later"
    keeps the local hour across a change of summer time (aware arithmetic in one zone is wall-clock arithmetic)."""
    local = timezone.localtime(start, contest.tzinfo)
    return local + timedelta(days=template_step.days, hours=template_step.hours)


@transaction.atomic
def apply_template(
    *, release: Release, template: ReleaseTemplate, start: datetime, by: User | None
) -> list[ReleaseStep]:
    """Add the template's steps to the release, each at `step_moment` after `start`: all of them or none. Writes the
    ReleaseSteps through add_step (each audited, the team asked to approve a wide film step) and an AuditEvent
    `release_template_applied`. Raises ReleaseError("other_contest" | "empty_template")."""
    if template.contest_id != release.contest_id:
        raise ReleaseError("other_contest", _("This template belongs to another contest."))
    template_steps = list(template.steps.all())
    if not template_steps:
        raise ReleaseError("empty_template", _("This template has no step yet: add its steps first."))
    made = [
        add_step(
            release=release,
            target=template_step.target,
            at=step_moment(template_step, start, release.contest),
            audiences=template_step.audiences,
            by=by,
        )
        for template_step in template_steps
    ]
    record_event(
        verb="release_template_applied",
        actor=by,
        contest=release.contest,
        entry=release.entry,
        template=template.pk,
        name=template.name,
        start=start.isoformat(),
        steps=[step.pk for step in made],
    )
    return made


def copy_templates(copy: EditionCopy) -> None:
    """Registered with contest.editions: the new edition gets the same templates and steps."""
    for template in ReleaseTemplate.objects.filter(contest=copy.old).prefetch_related("steps").order_by("pk"):
        made = ReleaseTemplate.objects.create(contest=copy.new, name=template.name)
        for step in template.steps.all():
            ReleaseTemplateStep.objects.create(
                template=made,
                target=step.target,
                days=step.days,
                hours=step.hours,
                **audience_flags(step.audiences),
            )
