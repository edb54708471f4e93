"""Invitations: the only way to join a team or a jury, and how organisers bring people in."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User, hash_token, new_token
from accounts.services import mark_email_verified
from accounts.text import one_line

from .models import Contest, ContestRole, Invitation, Team, TeamMember
from .services import ContestError, record_event


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


@transaction.atomic
def register_invited_user(*, invitation: Invitation, full_name: str, password: str) -> User:
    """Create the account an invitation is addressed to, then accept it. Writes User and what accept writes."""
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationError("account_exists", _("An account with this email exists: log in to accept."))
    user = User.objects.create_user(invitation.email, password, full_name=full_name)
    accept_invitation(invitation=invitation, user=user)
    return user
