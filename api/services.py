"""Every change to API tokens. The token page and the admin call these; nothing else writes ApiToken rows."""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User, hash_token
from contest.models import ContestRole
from contest.services import ContestError, record_event

from .models import TOKEN_PREFIX, ApiToken, Scope


class ApiTokenError(ContestError):
    pass


def may_hold_tokens(user) -> bool:
    """Only organisers (of at least one contest) and superusers get API tokens."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or ContestRole.objects.filter(user=user, role=ContestRole.Role.ORGANISER).exists()


@transaction.atomic
def create_token(*, user: User, label: str, scopes: list[str]) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its secret, which is never stored and shown only this once.
    Writes an ApiToken and an AuditEvent `api_token_created`.
    Raises ApiTokenError("not_organiser" | "no_scope" | "unknown_scope" | "no_label")."""
    if not may_hold_tokens(user):
        raise ApiTokenError("not_organiser", _("Only the organisers of a contest can create API tokens."))
    label = label.strip()
    if not label:
        raise ApiTokenError("no_label", _("Say what the token is for, e.g. the name of the tool."))
    wanted = sorted(set(scopes))
    if not wanted:
        raise ApiTokenError("no_scope", _("Choose at least one permission for the token."))
    unknown = [scope for scope in wanted if scope not in Scope.values]
    if unknown:
        raise ApiTokenError("unknown_scope", _("Unknown permission: %(names)s.") % {"names": ", ".join(unknown)})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, label=label, prefix=secret[:12], secret_hash=hash_token(secret), scopes=wanted
    )
    record_event(verb="api_token_created", actor=user, contest=None, token=token.pk, label=label, scopes=wanted)
    return token, secret


@transaction.atomic
def revoke_token(*, token: ApiToken, by: User) -> ApiToken:
    """Refuse the token from this second on. Writes ApiToken.revoked_at and an AuditEvent `api_token_revoked`.
    Raises ApiTokenError("not_yours") unless `by` owns it or is a superuser."""
    if token.user_id != by.pk and not by.is_superuser:
        raise ApiTokenError("not_yours", _("This is not your token."))
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    if updated:
        record_event(verb="api_token_revoked", actor=by, contest=None, token=token.pk, label=token.label)
    return token


def authenticate_secret(secret: str) -> ApiToken | None:
    """The live token with this secret whose owner is still active, or None. Notes when it was last used (at most
    once a minute, so that a busy tool does not write a row per request)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.filter(secret_hash=hash_token(secret), revoked_at__isnull=True).select_related("user").first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
