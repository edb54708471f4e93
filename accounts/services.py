"""Accounts: email verification, attempt limits and two-factor authentication. The lowest app: it knows nothing of
contests; what it writes to the audit trail it announces with the `account_event` signal (contest records it)."""

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

from .errors import ServiceError
from .models import User, hash_token
from .signals import account_event

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
        account_event.send(sender=User, verb="email_verified", actor=user)
    return user


class VerificationError(ServiceError):
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


# Two-factor authentication (optional, for organisers): one TOTP device per person, confirmed by a first code.


class TwoFactorError(ServiceError):
    pass


def confirmed_totp_device(user: User):
    """The person's confirmed TOTP device, or None. Someone who has one must give a code at every login."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


# Who may turn two-factor on besides staff: apps above say so in their AppConfig.ready() (contest: organisers).
_two_factor_offers = []


def register_two_factor_offer(offered_to) -> None:
    """`offered_to(user) -> bool`: True when the person may turn two-factor on."""
    _two_factor_offers.append(offered_to)


def may_use_two_factor(user: User) -> bool:
    return user.is_authenticated and (user.is_staff or any(offered_to(user) for offered_to in _two_factor_offers))


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
    account_event.send(sender=User, verb="two_factor_enabled", actor=user)
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
    account_event.send(sender=User, verb="two_factor_disabled", actor=user)
