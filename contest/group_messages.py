"""Messages to a group: the organiser writes once to the teams whose film is missing, the jurors with unfinished
reviews, the release subscribers…; the group is taken at the second of sending (later arrivals get nothing), each
person is mailed once by the worker's sweep, in their language for the lines around the organiser's text, and the
log says who was mailed when. Groups are registered by the apps that know them (register_message_group in their
AppConfig.ready()); this app's own: the teams that have not submitted."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .models import Contest, Entry, GroupMessage, GroupMessageDelivery, Team
from .services import ContestError, record_event, send_claimed_mail

# How long the sweep keeps trying a message whose mails the mail server refused.
DELIVERY_WINDOW = timedelta(days=3)


@dataclass(frozen=True)
class MessageGroup:
    key: str
    label: object  # a lazy text, in the organiser's language
    members: Callable[[Contest], QuerySet[User]]


_GROUPS: dict[str, MessageGroup] = {}


def register_message_group(key: str, label, members: Callable[[Contest], QuerySet[User]]) -> None:
    _GROUPS[key] = MessageGroup(key, label, members)


def message_groups() -> list[MessageGroup]:
    return list(_GROUPS.values())


def group_label(key: str):
    """The group's name for organiser pages (the key itself for a group no longer registered)."""
    group = _GROUPS.get(key)
    return group.label if group else key


def teams_without_film(contest: Contest) -> QuerySet[User]:
    """Members of the contest's approved teams whose entry is not submitted (a draft, or no entry yet); a team that
    withdrew or was disqualified is not asked for its film."""
    settled = Entry.objects.filter(contest=contest).exclude(status=Entry.Status.DRAFT).values("team_id")
    teams = Team.objects.filter(contest=contest, approval=Team.Approval.APPROVED).exclude(pk__in=settled)
    return User.objects.filter(team_memberships__team__in=teams).distinct()


register_message_group("teams_without_film", _("teams that have not submitted their film"), teams_without_film)


class GroupMessageError(ContestError):
    pass


def group_members(contest: Contest, key: str) -> QuerySet[User]:
    """Raises GroupMessageError("unknown_group")."""
    group = _GROUPS.get(key)
    if group is None:
        raise GroupMessageError("unknown_group", _("Choose one of the groups listed."))
    return group.members(contest)


@transaction.atomic
def send_group_message(
    *, contest: Contest, group: str, subject: str, body: str, token: uuid.UUID, by: User
) -> GroupMessage:
    """Write the message with the group's members at this second; the worker's sweep mails them (deliver). A second
    post of the same form (its `token`) sends nothing more. Writes GroupMessage and an AuditEvent
    `group_message_sent` (group and count, not the text: the message row keeps it).
    Raises GroupMessageError("unknown_group" | "empty_group" | "already_sent")."""
    recipient_ids = sorted(group_members(contest, group).values_list("pk", flat=True))
    if not recipient_ids:
        raise GroupMessageError("empty_group", _("Nobody is in this group now: there is nobody to write to."))
    if GroupMessage.objects.filter(token=token).exists():
        raise GroupMessageError("already_sent", _("This message was already sent: it goes once to each person."))
    message = GroupMessage.objects.create(
        contest=contest,
        group=group,
        subject=subject,
        body=body,
        recipient_ids=recipient_ids,
        token=token,
        created_by=by,
    )
    record_event(
        verb="group_message_sent",
        actor=by,
        contest=contest,
        message=message.pk,
        group=group,
        recipients=len(recipient_ids),
    )
    return message


def deliver(message: GroupMessage) -> int:
    """Mail each recipient not mailed yet, each once (a GroupMessageDelivery row is the claim, inserted with the
    sending: two sweeps at once send one mail; a refusing mail server leaves the rest for the next sweep).
    Returns the number of mails sent."""
    done = set(message.deliveries.values_list("user_id", flat=True))
    sent = 0
    for user in User.objects.filter(pk__in=set(message.recipient_ids) - done).order_by("pk"):
        if send_claimed_mail(
            lambda user=user: GroupMessageDelivery.objects.create(message=message, user=user),
            user=user,
            contest=message.contest,
            subject_template="contest/mail/group_message_subject.txt",
            body_template="contest/mail/group_message_body.txt",
            context={"message": message},
        ):
            sent += 1
    return sent


def deliver_pending(*, now=None) -> int:
    """Every recent message with someone not mailed yet (the periodic task)."""
    now = now or timezone.now()
    sent = 0
    recent = GroupMessage.objects.filter(created_at__gt=now - DELIVERY_WINDOW).annotate(delivered=Count("deliveries"))
    for message in recent.select_related("contest"):
        if message.delivered < len(message.recipient_ids):
            sent += deliver(message)
    return sent
