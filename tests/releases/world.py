"""A contest with one awarded entry, its release in a named state, and one person per role.

Expected visibility is computed here by an oracle that is independent of releases.permissions: each role's
audiences are written out by hand, and the ladder of each state is a plain list."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from accounts.models import User
from contest import services as contest_services
from contest.models import ContestRole, Entry, Team
from judging.models import Assignment, Award, Conflict, Round
from media_pipeline.models import Film
from releases import services
from releases.models import Target
from tests.factories import (
    ContentWarningFactory,
    ContestFactory,
    ContestRoleFactory,
    EntryFactory,
    PrizeFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)

TITLE = "Sans voix"
PRIZE = "Premier prix"
FILM_BYTES = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40
POSTER_BYTES = b"\xff\xd8\xff\xe0poster" + bytes(range(200))

ROLES = [
    "anonymous",
    "other_team",
    "own_team",
    "juror",
    "conflicted_juror",
    "community_member",
    "pending_team",
    "unverified_member",
    "unverified_invitee",
    "link_holder",
    "organiser",
]
# The audiences each role belongs to, written by hand (the oracle). Organisers see everything.
ROLE_AUDIENCES = {
    "anonymous": {"public"},
    "other_team": {"public", "community"},  # a member of a team of the contest is in its community
    "own_team": {"public", "community", "team"},
    "juror": {"public", "jury"},
    "conflicted_juror": {"public"},  # a declared conflict with the entry takes the jury audience away
    "community_member": {"public", "community"},  # invited by email
    "pending_team": {"public"},  # registered itself, not yet approved: its own entries only
    "unverified_member": {"public"},  # in an approved team, but never proved their address
    "unverified_invitee": {"public"},  # invited by an address they never proved is theirs
    "link_holder": {"public", "link"},
    "organiser": {"public", "team", "organisers", "jury", "community", "link"},
}
WIDE = {"community", "link", "public"}
SEED_ANNOUNCEMENT = {"team", "jury", "community", "public"}
SEED_FILM = {"team", "jury", "community"}
EVERYONE = {"team", "jury", "community", "link", "public"}

# Offsets in days from the moment the world is built. T1: first steps, T3: unpublish, T2: public showing.
T1, T3, T2 = 1, 5, 10


@dataclass
class State:
    steps: list[tuple[str, int, set[str]]]
    approved: bool = True
    withdrawn_approval: bool = False
    unpublished_at: int | None = None
    entry_status: str = Entry.Status.SUBMITTED
    times: list[int] = field(default_factory=list)  # step offsets whose second before and after are checked
    team_named: bool = False  # the team agreed that announcements name it
    blind_round_until: int | None = None  # a blind round judges the entry until this day (its second included)
    # People on screen: (name, minor) and their answers (name, party, day recorded, {use: (given, until day)}), an
    # organiser's waiver of the jury's need (name, day); and, written by hand for the oracle, the uses of the film
    # that some person withholds, from one day's second to another's (None: for good).
    people: list[tuple[str, bool]] = field(default_factory=list)
    answers: list[tuple[str, str, int, dict]] = field(default_factory=list)
    waivers: list[tuple[str, int]] = field(default_factory=list)
    withheld: list[tuple[set[str], int, int | None]] = field(default_factory=list)


ALL_YES = {"jury": (True, None), "community": (True, None), "link": (True, None), "public": (True, None)}
SEED = [
    (Target.ANNOUNCEMENT, T1, SEED_ANNOUNCEMENT),
    (Target.FILM, T1, SEED_FILM),
    (Target.FILM, T2, EVERYONE),
]
STATES = {
    "unreleased": State(steps=[], times=[T1]),
    "seed": State(steps=SEED, times=[T1, T2]),
    "seed_unapproved": State(steps=SEED, approved=False, times=[T1, T2]),
    "approval_withdrawn": State(steps=SEED, withdrawn_approval=True, times=[T1, T2]),
    "jury_only": State(steps=[(Target.ANNOUNCEMENT, T1, {"jury"}), (Target.FILM, T1, {"jury"})], times=[T1]),
    "link_only": State(steps=[(Target.ANNOUNCEMENT, T1, {"link"}), (Target.FILM, T1, {"link"})], times=[T1]),
    "unpublished": State(steps=SEED, unpublished_at=T3, times=[T1, T3, T2]),
    "entry_withdrawn": State(steps=SEED, entry_status=Entry.Status.WITHDRAWN, times=[T1, T2]),
    "named_in_blind_round": State(steps=SEED, team_named=True, blind_round_until=T3, times=[T1, T3, T2]),
    "consent_public_withdrawn": State(
        steps=SEED,
        people=[("Léa", False), ("Yanis", False)],
        answers=[
            ("Léa", "person", 0, ALL_YES),
            ("Yanis", "person", 0, ALL_YES),
            ("Yanis", "person", T3, {**ALL_YES, "public": (False, None)}),
        ],
        withheld=[({"public"}, T3, None)],
        times=[T3, T2],
    ),
    "consent_community_ends": State(
        steps=SEED,
        people=[("Léa", False)],
        answers=[("Léa", "person", 0, {**ALL_YES, "community": (True, T3)})],
        withheld=[({"community"}, T3, None)],
        times=[T3, T2],
    ),
    "minor_without_guardian": State(
        steps=SEED,
        people=[("Sacha", True)],
        answers=[("Sacha", "person", 0, ALL_YES)],
        withheld=[({"jury", "community", "link", "public"}, 0, None)],
        times=[T1],
    ),
    "jury_waived": State(
        steps=SEED,
        people=[("Inès", False)],
        waivers=[("Inès", T3)],
        withheld=[({"community", "link", "public"}, 0, None), ({"jury"}, 0, T3)],
        times=[T1, T3],
    ),
}


def moments() -> list[tuple[str, int, int]]:
    """(state, step offset in days, -1 or +1 second) for every state and every step of its ladder."""
    return [(name, day, sign) for name, state in STATES.items() for day in state.times for sign in (-1, 1)]


def expected_audiences(state: State, what: str, day: int, sign: int) -> set[str]:
    """Who sees `what` one second before (sign=-1) or after (sign=+1) day `day`, by the plain rules."""
    moment = day * 86400 + sign
    if state.unpublished_at is not None and moment >= state.unpublished_at * 86400:
        return set()
    audiences: set[str] = set()
    for target, step_day, step_audiences in state.steps:
        if target == what and step_day * 86400 <= moment:
            audiences = set(step_audiences)
    if what == Target.FILM and (not state.approved or state.withdrawn_approval):
        audiences -= WIDE
    if what == Target.FILM:
        for uses, start, end in state.withheld:
            if start * 86400 <= moment and (end is None or moment < end * 86400):
                audiences -= uses
    return audiences


def expected_credit(state: State, role: str, day: int, sign: int) -> bool:
    """Whether the announcement `role` sees names the team: it agreed, and no blind round still runs (organisers
    always read it)."""
    if not (state.team_named and expected_visible(state, role, "announcement", day, sign)):
        return False
    blind = state.blind_round_until is not None and day * 86400 + sign <= state.blind_round_until * 86400
    return role == "organiser" or not blind


def expected_visible(state: State, role: str, what: str, day: int, sign: int) -> bool:
    if role == "organiser":
        return True
    if state.entry_status != Entry.Status.SUBMITTED:
        return False
    return bool(expected_audiences(state, what, day, sign) & ROLE_AUDIENCES[role])


@dataclass
class World:
    base: datetime
    contest: object
    entry: Entry
    release: object
    users: dict
    token: str
    state: State

    def at(self, day: int, sign: int) -> datetime:
        return self.base + timedelta(days=day, seconds=sign)

    @property
    def kwargs(self) -> dict:
        return {"contest_slug": self.contest.slug, "public_id": self.entry.public_id}

    def client(self, role: str) -> Client:
        """A fresh browser for `role`, signed in unless anonymous or a mere link holder."""
        return self.client_for(self.users.get(role))

    @staticmethod
    def client_for(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


def build_world(state_name: str) -> World:
    state = STATES[state_name]
    base = timezone.now().replace(microsecond=0)
    contest = ContestFactory()
    prize = PrizeFactory(contest=contest, name_fr=PRIZE, name_en=PRIZE)
    own_team = TeamFactory(contest=contest)
    other_team = TeamFactory(contest=contest)
    entry = EntryFactory(team=own_team, title=TITLE, status=Entry.Status.SUBMITTED, synopsis_en="Léa stops speaking.")
    entry.content_warnings.set([ContentWarningFactory(contest=contest, name_en="Sexual violence")])
    Award.objects.create(contest=contest, prize=prize, entry=entry, citation_en="For a silence that says it all.")
    # No password: hashing one per user would cost more than the whole matrix (they sign in with force_login).
    users = {role: UserFactory(password=None) for role in ROLES if role not in ("anonymous", "link_holder")}
    TeamMemberFactory(team=own_team, user=users["own_team"])
    TeamMemberFactory(team=other_team, user=users["other_team"])
    TeamMemberFactory(team=TeamFactory(contest=contest, approval=Team.Approval.PENDING), user=users["pending_team"])
    TeamMemberFactory(team=other_team, user=users["unverified_member"])
    User.objects.filter(pk__in=[users["unverified_member"].pk, users["unverified_invitee"].pk]).update(
        email_verified_at=None
    )
    users["unverified_member"].email_verified_at = users["unverified_invitee"].email_verified_at = None
    ContestRoleFactory(contest=contest, user=users["organiser"], role=ContestRole.Role.ORGANISER)
    ContestRoleFactory(contest=contest, user=users["juror"], role=ContestRole.Role.JUROR)
    ContestRoleFactory(contest=contest, user=users["conflicted_juror"], role=ContestRole.Role.JUROR)
    Conflict.objects.create(contest=contest, juror=users["conflicted_juror"], kind=Conflict.Kind.ENTRY, entry=entry)
    services.add_community_member(contest=contest, email=users["community_member"].email, by=users["organiser"])
    services.add_community_member(contest=contest, email=users["unverified_invitee"].email, by=users["organiser"])

    key = default_storage.save(f"films/{entry.public_id}.mp4", ContentFile(FILM_BYTES))
    Film.objects.create(
        entry=entry,
        key=key,
        original_name="x.mp4",
        content_type="video/mp4",
        size=len(FILM_BYTES),
        checksum="x",
        state=Film.State.READY,
    )
    release = services.ensure_release(entry=entry, by=users["organiser"])
    if state.team_named:
        services.set_team_name_shown(release=release, show=True, by=users["own_team"])
    if state.blind_round_until is not None:
        round_ = Round.objects.create(
            contest=contest,
            name_en="Final",
            name_fr="Finale",
            opens_at=base,
            closes_at=base + timedelta(days=state.blind_round_until),
        )
        Assignment.objects.create(round=round_, juror=users["juror"], entry=entry)
    people = {}
    for name, minor in state.people:
        people[name] = contest_services.add_person_on_screen(
            entry=entry,
            by=users["own_team"],
            name=name,
            email=f"{name.lower()}@example.org",
            minor=minor,
            guardian_email=f"parent.{name.lower()}@example.org" if minor else "",
        )
    for name, party, day, answers in state.answers:
        contest_services.record_consent(
            person=people[name],
            party=party,
            answers={
                use: (given, None if until is None else base + timedelta(days=until))
                for use, (given, until) in answers.items()
            },
            now=base + timedelta(days=day),
        )
    for name, day in state.waivers:
        contest_services.waive_jury_consent(
            person=people[name], by=users["organiser"], reason="Unreachable", now=base + timedelta(days=day)
        )
    release.poster_key = default_storage.save(f"posters/{entry.public_id}.jpg", ContentFile(POSTER_BYTES))
    release.save(update_fields=["poster_key"])
    for target, day, audiences in state.steps:
        services.add_step(
            release=release, target=target, at=base + timedelta(days=day), audiences=audiences, by=users["organiser"]
        )
    if state.approved and services.pending_approvals(release):
        services.approve_film_steps(
            release=release, step_ids=[s.pk for s in services.pending_approvals(release)], by=users["own_team"]
        )
    if state.withdrawn_approval:
        services.withdraw_film_approval(release=release, by=users["own_team"])
    if state.unpublished_at is not None:
        services.unpublish_release(
            release=release, by=users["organiser"], now=base + timedelta(days=state.unpublished_at)
        )
    if state.entry_status != Entry.Status.SUBMITTED:
        Entry.objects.filter(pk=entry.pk).update(status=state.entry_status)
    _, token = services.create_share_link(
        release=release, label="Press", expires_at=base + timedelta(days=60), max_views=None, by=users["organiser"]
    )
    return World(base=base, contest=contest, entry=entry, release=release, users=users, token=token, state=state)


MEDIA_SRC = re.compile(r'<video[^>]* src="([^"]+)"')
POSTER_SRC = re.compile(r'<img class="poster" src="([^"]+)"')
