"""Every change to releases. Views, tasks and the demo call these; nothing else writes release rows.

Each change writes an AuditEvent whose data holds the plan before and after (who, when, before → after)."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User, hash_token
from accounts.text import one_line
from contest.models import Contest, Entry
from contest.services import ContestError, mail_team, record_event

from . import permissions
from .models import (
    STEP_AUDIENCES,
    CommunityMember,
    NotificationSent,
    Release,
    ReleaseStep,
    ReleaseSubscription,
    ShareLink,
    Target,
    audience_flags,
)


class ReleaseError(ContestError):
    pass


def _plan(release: Release) -> list[dict]:
    return [step.summary() for step in release.steps.filter(cancelled_at__isnull=True).order_by("at", "id")]


@transaction.atomic
def ensure_release(*, entry: Entry, by: User | None) -> Release:
    """The entry's release, created (with no steps: organisers only) if absent. Writes an AuditEvent on creation."""
    release, created = Release.objects.get_or_create(entry=entry, defaults={"contest": entry.contest, "created_by": by})
    if created:
        record_event(verb="release_created", actor=by, contest=entry.contest, entry=entry)
    return release


def checked_step(target: str, audiences) -> set[str]:
    """The audiences a step (or a template's step) names, organisers left out (they see everything).
    Raises ReleaseError("unknown_target" | "unknown_audience")."""
    if target not in Target.values:
        raise ReleaseError("unknown_target", _("Choose the announcement or the film."))
    audiences = set(audiences) - {"organisers"}
    if audiences - set(STEP_AUDIENCES):
        raise ReleaseError(
            "unknown_audience", _("Unknown audience: %(names)s.") % {"names": ", ".join(sorted(audiences))}
        )
    return audiences


@transaction.atomic
def add_step(
    *, release: Release, target: str, at: datetime, audiences: set[str] | list[str], by: User | None
) -> ReleaseStep:
    """From `at` on, show `target` to `audiences` (organisers always see everything). Writes a ReleaseStep and an
    AuditEvent; a film step that needs the team's approval mails the team a request on commit.
    Raises ReleaseError("unknown_target" | "unknown_audience")."""
    audiences = checked_step(target, audiences)
    Release.objects.select_for_update().get(pk=release.pk)
    before = _plan(release)
    step = ReleaseStep.objects.create(
        release=release,
        target=target,
        at=at,
        created_by=by,
        **audience_flags(audiences),
    )
    record_event(
        verb="release_step_added",
        actor=by,
        contest=release.contest,
        entry=release.entry,
        step=step.summary(),
        before=before,
        after=_plan(release),
    )
    if step.needs_approval:
        mail_team(
            team=release.entry.team,
            subject_template="releases/mail/approval_request_subject.txt",
            body_template="releases/mail/approval_request_body.txt",
            context={"entry": release.entry, "step": step},
        )
    return step


@transaction.atomic
def cancel_step(*, step: ReleaseStep, by: User | None, now: datetime | None = None) -> ReleaseStep:
    """Cancel a step that has not taken effect yet (to change what is in force, add a step now).
    Writes ReleaseStep.cancelled_at and an AuditEvent. Raises ReleaseError("step_in_force" | "already_cancelled")."""
    now = now or timezone.now()
    step = ReleaseStep.objects.select_for_update().select_related("release__entry", "release__contest").get(pk=step.pk)
    if step.cancelled_at is not None:
        raise ReleaseError("already_cancelled", _("This step was already cancelled."))
    if step.at <= now:
        raise ReleaseError(
            "step_in_force", _("This step has taken effect. To change who sees it now, add a step from now on.")
        )
    before = _plan(step.release)
    step.cancelled_at = now
    step.cancelled_by = by
    step.save(update_fields=["cancelled_at", "cancelled_by"])
    record_event(
        verb="release_step_cancelled",
        actor=by,
        contest=step.release.contest,
        entry=step.release.entry,
        step=step.summary(),
        before=before,
        after=_plan(step.release),
    )
    return step


@transaction.atomic
def unpublish_release(*, release: Release, by: User | None, now: datetime | None = None) -> None:
    """Narrow both the announcement and the film to organisers from this second, and cancel every later step.
    Writes two ReleaseSteps, ReleaseStep.cancelled_at and one AuditEvent."""
    now = now or timezone.now()
    Release.objects.select_for_update().get(pk=release.pk)
    before = _plan(release)
    release.steps.filter(cancelled_at__isnull=True, at__gt=now).update(cancelled_at=now, cancelled_by=by)
    for target in Target.values:
        ReleaseStep.objects.create(release=release, target=target, at=now, created_by=by)
    record_event(
        verb="release_unpublished",
        actor=by,
        contest=release.contest,
        entry=release.entry,
        before=before,
        after=_plan(release),
    )


def pending_approvals(release: Release) -> list[ReleaseStep]:
    """Film steps with a wide audience that the team has not approved, in time order."""
    steps = release.steps.filter(target=Target.FILM, cancelled_at__isnull=True, approved_at__isnull=True).order_by(
        "at", "id"
    )
    return [step for step in steps if step.needs_approval]


def _require_team_member(release: Release, by: User, *, refusal: str) -> None:
    """The team's own decisions on its release: anyone else gets ReleaseError("not_team") with the refusal."""
    if not release.entry.team.memberships.filter(user=by).exists():
        raise ReleaseError("not_team", refusal)


@transaction.atomic
def approve_film_steps(*, release: Release, step_ids: list[int], by: User, now: datetime | None = None) -> int:
    """The team approves exactly the steps it was shown. Writes ReleaseStep.approved_at/by (and clears notified_at,
    so that a step already in force is notified by the next sweep) and an AuditEvent.
    Raises ReleaseError("not_team" | "plan_changed") when the person is not in the team, or when the pending
    steps are no longer those the page showed (then the page is shown again)."""
    now = now or timezone.now()
    Release.objects.select_for_update().get(pk=release.pk)
    _require_team_member(release, by, refusal=_("Only the film's team can give this approval."))
    pending = pending_approvals(release)
    if sorted(step.pk for step in pending) != sorted(set(step_ids)) or not pending:
        raise ReleaseError("plan_changed", _("The plan changed while you were reading it. Read it again below."))
    # A step already in force widens only now: clearing notified_at lets the next sweep mail whoever gains.
    ReleaseStep.objects.filter(pk__in=[step.pk for step in pending]).update(
        approved_at=now, approved_by=by, notified_at=None
    )
    record_event(
        verb="film_approval_given",
        actor=by,
        contest=release.contest,
        entry=release.entry,
        steps=[step.summary() for step in pending],
    )
    return len(pending)


@transaction.atomic
def withdraw_film_approval(*, release: Release, by: User) -> int:
    """The team withdraws every approval it gave: from this second the film is shown to no wide audience.
    Writes ReleaseStep.approved_at = null and an AuditEvent. Raises ReleaseError("not_team")."""
    Release.objects.select_for_update().get(pk=release.pk)
    _require_team_member(release, by, refusal=_("Only the film's team can withdraw this approval."))
    approved = list(release.steps.filter(target=Target.FILM, approved_at__isnull=False))
    ReleaseStep.objects.filter(pk__in=[step.pk for step in approved]).update(approved_at=None, approved_by=None)
    record_event(
        verb="film_approval_withdrawn",
        actor=by,
        contest=release.contest,
        entry=release.entry,
        steps=[step.summary() for step in approved],
    )
    return len(approved)


@transaction.atomic
def set_team_name_shown(*, release: Release, show: bool, by: User) -> Release:
    """The team decides whether the announcement names it. Writes Release.show_team_name and an AuditEvent."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    _require_team_member(release, by, refusal=_("Only the film's team can decide this."))
    if release.show_team_name != show:
        record_event(
            verb="team_name_choice",
            actor=by,
            contest=release.contest,
            entry=release.entry,
            before=release.show_team_name,
            after=show,
        )
        release.show_team_name = show
        release.save(update_fields=["show_team_name"])
    return release


# Share links


@transaction.atomic
def create_share_link(
    *, release: Release, label: str, expires_at: datetime, max_views: int | None, by: User | None
) -> tuple[ShareLink, str]:
    """A new secret link; returns it with its token, which is never stored and shown only this once.
    Writes a ShareLink and an AuditEvent. Raises ReleaseError("expiry_in_past")."""
    if expires_at <= timezone.now():
        raise ReleaseError("expiry_in_past", _("Choose an expiry in the future."))
    token = secrets.token_urlsafe(24)
    link = ShareLink.objects.create(
        release=release,
        token_hash=hash_token(token),
        label=label,
        expires_at=expires_at,
        max_views=max_views,
        created_by=by,
    )
    record_event(
        verb="share_link_created",
        actor=by,
        contest=release.contest,
        entry=release.entry,
        link=link.pk,
        label=label,
        expires_at=expires_at.isoformat(),
        max_views=max_views,
    )
    return link, token


@transaction.atomic
def revoke_share_link(*, link: ShareLink, by: User | None, now: datetime | None = None) -> ShareLink:
    """Refuse the link from this second on. Writes ShareLink.revoked_at and an AuditEvent."""
    now = now or timezone.now()
    updated = ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=now)
    link.refresh_from_db()
    if updated:
        record_event(
            verb="share_link_revoked",
            actor=by,
            contest=link.release.contest,
            entry=link.release.entry,
            link=link.pk,
            label=link.label,
        )
    return link


def open_share_link(*, token: str, now: datetime | None = None) -> ShareLink | None:
    """Count one view of the link with this secret, if it is live and not used up; None otherwise.
    One conditional UPDATE, so two concurrent opens never both take the last view."""
    now = now or timezone.now()
    counted = ShareLink.objects.filter(
        Q(max_views__isnull=True) | Q(view_count__lt=F("max_views")),
        token_hash=hash_token(token),
        revoked_at__isnull=True,
        expires_at__gt=now,
    ).update(view_count=F("view_count") + 1)
    if not counted:
        return None
    return ShareLink.objects.select_related("release__entry__contest").get(token_hash=hash_token(token))


# Community and subscriptions


@transaction.atomic
def add_community_member(*, contest: Contest, email: str, by: User | None) -> CommunityMember:
    """Invite someone into the contest's community. Writes a CommunityMember and an AuditEvent."""
    email = email.strip().lower()
    member, created = CommunityMember.objects.get_or_create(contest=contest, email=email, defaults={"invited_by": by})
    if created:
        record_event(verb="community_member_added", actor=by, contest=contest, email=email)
    return member


@transaction.atomic
def remove_community_member(*, member: CommunityMember, by: User | None) -> None:
    """Writes an AuditEvent and deletes the CommunityMember: they lose community access at once."""
    record_event(verb="community_member_removed", actor=by, contest=member.contest, email=member.email)
    member.delete()


def set_subscription(*, contest: Contest, user: User, subscribed: bool) -> None:
    """Opt in or out of mails about what this person can newly see in the contest's palmarès."""
    if subscribed:
        ReleaseSubscription.objects.get_or_create(contest=contest, user=user)
    else:
        ReleaseSubscription.objects.filter(contest=contest, user=user).delete()


# Notifications (run by releases.tasks; never decide visibility)


NOTIFY_WINDOW = timedelta(days=3)


def _widens_for(user: User, step: ReleaseStep) -> bool:
    entry = step.release.entry
    just_before = step.at - timedelta(microseconds=1)
    return permissions.can_see(user, entry, step.target, at=step.at) and not permissions.can_see(
        user, entry, step.target, at=just_before
    )


def _claim_and_send(step: ReleaseStep, user: User) -> bool:
    """Insert the (step, person) row and send in one transaction: a second worker waits on the unique index and
    then finds the row (no second mail); a mail server that refuses rolls the claim back for the next sweep."""
    try:
        with transaction.atomic():
            NotificationSent.objects.create(step=step, recipient=user)
            _send(step, user)
    except IntegrityError:
        return False
    return True


def _send(step: ReleaseStep, user: User) -> None:
    with (
        translation.override(user.preferred_language or settings.LANGUAGE_CODE),
        timezone.override(step.release.contest.tzinfo),
    ):
        context = {
            "step": step,
            "entry": step.release.entry,
            "contest": step.release.contest,
            "site_url": settings.SITE_URL,
        }
        subject = one_line(render_to_string("releases/mail/step_subject.txt", context))
        body = render_to_string("releases/mail/step_body.txt", context)
    send_mail(subject, body, None, [user.email])


def notify_step(*, step: ReleaseStep, now: datetime | None = None) -> int:
    """Mail the team and opted-in people for whom this step (once in force) widens what they can see.
    Each (step, person) is claimed by inserting a NotificationSent row with the sending, so a second run sends
    nothing. Writes NotificationSent rows and ReleaseStep.notified_at (only once every mail went out: if the mail
    server fails, the error propagates and the next sweep tries again); returns the number of mails sent."""
    now = now or timezone.now()
    if step.at > now or step.cancelled_at is not None:
        return 0
    contest = step.release.contest
    candidates = {member.user for member in step.release.entry.team.memberships.select_related("user")}
    candidates |= {subscription.user for subscription in contest.release_subscriptions.select_related("user")}
    sent = 0
    for user in sorted(candidates, key=lambda user: user.pk):
        if _widens_for(user, step) and _claim_and_send(step, user):
            sent += 1
    ReleaseStep.objects.filter(pk=step.pk, notified_at__isnull=True).update(notified_at=now)
    return sent


def due_steps(*, now: datetime | None = None):
    """Steps in force since at most NOTIFY_WINDOW whose notifications are not done yet."""
    now = now or timezone.now()
    return ReleaseStep.objects.filter(
        at__lte=now, at__gt=now - NOTIFY_WINDOW, cancelled_at__isnull=True, notified_at__isnull=True
    ).select_related("release__entry__team", "release__contest")
