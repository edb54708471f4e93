"""Invitations: the only way to join a team or a jury, and how organisers bring people in."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from contest.models import Contest, ContestRole, Team, TeamMember
from contest.services import ContestError, record_event

from .models import Invitation, User, hash_token, new_token
from .text import one_line


class InvitationError(ContestError):
    pass


def _send_invitation(*, invitation: Invitation, token: str, language: str) -> None:
    url = settings.SITE_URL + reverse("accept_invitation", kwargs={"token": token})
    context = {"invitation": invitation, "url": url, "contest": invitation.contest}

    def send():
        from django.utils import translation

        with translation.override(language):
            subject = one_line(render_to_string("accounts/mail/invitation_subject.txt", context))
            body = render_to_string("accounts/mail/invitation_body.txt", context)
        send_mail(subject, body, None, [invitation.email])

    transaction.on_commit(send)


@transaction.atomic
def invite(
    *, contest: Contest, email: str, kind: str, by: User, team: Team | None = None, language: str = "fr"
) -> tuple[Invitation, str]:
    """Create an Invitation and mail its link on commit. Returns the invitation and the clear token (shown once).
    Writes Invitation and an AuditEvent `invitation_sent`."""
    email = email.strip().lower()
    if kind == Invitation.Kind.TEAM_MEMBER and team is None:
        raise TypeError("a team invitation needs a team")
    if team is not None and team.memberships.filter(user__email__iexact=email).exists():
        raise InvitationError("already_member", _("%(email)s is already in the team.") % {"email": email})
    token = new_token()
    invitation = Invitation.objects.create(
        kind=kind,
        email=email,
        contest=contest,
        team=team,
        token_hash=hash_token(token),
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    record_event(
        verb="invitation_sent", actor=by, contest=contest, kind=kind, email=email, team=team.pk if team else None
    )
    _send_invitation(invitation=invitation, token=token, language=language)
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    """The usable invitation behind `token`, or None (unknown, used or expired look the same)."""
    invitation = Invitation.objects.select_related("contest", "team").filter(token_hash=hash_token(token)).first()
    if invitation is None or not invitation.is_usable:
        return None
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> None:
    """Give `user` the invited role; the invitation is used up. Writes the role row, Invitation and an AuditEvent."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise InvitationError("invitation_used", _("This invitation was already used or has expired."))
    if user.email.lower() != invitation.email.lower():
        raise InvitationError(
            "wrong_account",
            _("This invitation is for %(email)s. Log out and open the link again.") % {"email": invitation.email},
        )
    if invitation.kind == Invitation.Kind.TEAM_MEMBER:
        TeamMember.objects.get_or_create(team=invitation.team, user=user)
    else:
        ContestRole.objects.get_or_create(contest=invitation.contest, user=user, role=invitation.kind)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    mark_email_verified(user=user)  # the invitation's link was mailed to this address
    record_event(verb="invitation_accepted", actor=user, contest=invitation.contest, kind=invitation.kind)


# Email verification: a signed, expiring link mailed to the address. Community membership counts verified
# addresses only, so that nobody joins it by typing someone else's address or a school's domain.

VERIFICATION_SALT = "palmares.accounts.verify-email"


def email_verification_token(user: User) -> str:
    """A link token naming the person and the address it proves (a changed address makes old links useless)."""
    return signing.dumps({"user": user.pk, "email": user.email}, salt=VERIFICATION_SALT, compress=True)


def send_email_verification(*, user: User, language: str) -> None:
    """Mail `user` the link that verifies their address, once the transaction commits."""
    url = settings.SITE_URL + reverse("verify_email", kwargs={"token": email_verification_token(user)})
    context = {"user": user, "url": url, "days": settings.EMAIL_VERIFICATION_TTL_DAYS}

    def send():
        from django.utils import translation

        with translation.override(language):
            subject = render_to_string("accounts/mail/verify_email_subject.txt", context).strip()
            body = render_to_string("accounts/mail/verify_email_body.txt", context)
        send_mail(subject, body, None, [user.email])

    transaction.on_commit(send)


def mark_email_verified(*, user: User) -> User:
    """Record that `user` read a link mailed to their address. Writes User.email_verified_at and an AuditEvent
    `email_verified` the first time."""
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        record_event(verb="email_verified", actor=user, contest=None)
    return user


class VerificationError(ContestError):
    pass


@transaction.atomic
def verify_email(*, token: str) -> User:
    """Verify the address a mailed link names. Raises VerificationError("link_invalid") for an unknown, altered or
    expired link, or one for an address the account no longer has."""
    try:
        data = signing.loads(token, salt=VERIFICATION_SALT, max_age=settings.EMAIL_VERIFICATION_TTL_DAYS * 86400)
    except signing.BadSignature:
        data = None
    user = (
        User.objects.filter(pk=data.get("user"), email__iexact=data.get("email", ""), is_active=True).first()
        if isinstance(data, dict)
        else None
    )
    if user is None:
        raise VerificationError(
            "link_invalid", _("This link is not valid any more. Log in and ask for a new one from your team's page.")
        )
    return mark_email_verified(user=user)


def over_limit(*, scope: str, key: str, limit: int, seconds: int) -> bool:
    """Count one attempt of `scope` by `key` (an address, an account) in a window of `seconds`; True past `limit`."""
    from django.core.cache import cache

    name = f"limit:{scope}:{hash_token(key)}"
    cache.add(name, 0, timeout=seconds)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=seconds)
        count = 1
    return count > limit


@transaction.atomic
def register_invited_user(*, invitation: Invitation, full_name: str, password: str) -> User:
    """Create the account an invitation is addressed to, then accept it. Writes User and what accept writes."""
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationError("account_exists", _("An account with this email exists: log in to accept."))
    user = User.objects.create_user(invitation.email, password, full_name=full_name)
    accept_invitation(invitation=invitation, user=user)
    return user


# Two-factor authentication (optional, for organisers): one TOTP device per person, confirmed by a first code.


class TwoFactorError(ContestError):
    pass


def confirmed_totp_device(user: User):
    """The person's confirmed TOTP device, or None. Someone who has one must give a code at every login."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def may_use_two_factor(user: User) -> bool:
    return user.is_authenticated and (
        user.is_staff or user.contest_roles.filter(role=ContestRole.Role.ORGANISER).exists()
    )


def end_other_sessions(*, user: User) -> None:
    """End every session of the person opened so far: raises User.sessions_epoch (part of the session hash) and
    refreshes `user` with it. The caller keeps its own session with update_session_auth_hash."""
    User.objects.filter(pk=user.pk).update(sessions_epoch=F("sessions_epoch") + 1)
    user.refresh_from_db(fields=["sessions_epoch"])


@transaction.atomic
def start_totp_enrolment(*, user: User):
    """Return the person's unconfirmed TOTP device, creating it with a fresh secret. Writes TOTPDevice."""
    if confirmed_totp_device(user) is not None:
        raise TwoFactorError("two_factor_enabled", _("Two-factor authentication is already on."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)


@transaction.atomic
def confirm_totp_device(*, user: User, token: str):
    """Turn two-factor on once the app gives a valid code. Writes TOTPDevice, User.sessions_epoch (the
    person's sessions opened before end) and an AuditEvent `two_factor_enabled`.
    Raises TwoFactorError("wrong_code")."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise TwoFactorError("no_enrolment", _("Start again: no authenticator app is waiting to be confirmed."))
    if not device.verify_token(token.strip().replace(" ", "")):
        raise TwoFactorError("wrong_code", _("This code is not the one the app shows now. Check the app's clock."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    end_other_sessions(user=user)
    record_event(verb="two_factor_enabled", actor=user, contest=None)
    return device


@transaction.atomic
def remove_totp_device(*, user: User, token: str) -> None:
    """Turn two-factor off, proven with a current code. Deletes TOTPDevice rows; writes
    User.sessions_epoch (the person's sessions opened before end) and `two_factor_disabled`.
    Raises TwoFactorError("wrong_code")."""
    device = confirmed_totp_device(user)
    if device is None:
        return
    if not device.verify_token(token.strip().replace(" ", "")):
        raise TwoFactorError("wrong_code", _("This code is not the one the app shows now. Check the app's clock."))
    type(device).objects.filter(user=user).delete()
    end_other_sessions(user=user)
    record_event(verb="two_factor_disabled", actor=user, contest=None)
