"""The consent of each person on screen, read at a given second: which uses of a film (ConsentUse) every listed
person agrees to now. Visibility asks here at every request (releases.permissions narrows a film step by it, judging
withholds the jury's player), so a withdrawal or an end date counts at the next request with nothing to run.

The rule, written once (`allows`): a person agrees to a use at `at` when their latest answer recorded before `at`
gives it and its end date (if any) is still ahead; a minor's own answer counts only with their guardian's; an
organiser's waiver stands for the person's answer about the jury. An entry allows a use when every listed person
does (no one listed: every use). Changes go through contest.services (consent services)."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from .models import ConsentRecord, ConsentUse, Entry, PersonOnScreen

ALL_USES = frozenset(ConsentUse.values)
Party = ConsentRecord.Party

# Answers in force: {(person id, party, use): latest record}.
Answers = dict[tuple[int, str, str], ConsentRecord]


def answers_at(person_ids: Iterable[int], at: datetime) -> Answers:
    """Each party's latest answer about each use, recorded at or before `at`. One query."""
    latest: Answers = {}
    for record in ConsentRecord.objects.filter(person_id__in=list(person_ids), recorded_at__lte=at).order_by(
        "recorded_at", "id"
    ):
        latest[(record.person_id, record.party, record.use)] = record
    return latest


def _gives(record: ConsentRecord | None, at: datetime) -> bool:
    return record is not None and record.given and (record.until is None or at < record.until)


def parties(person: PersonOnScreen) -> list[str]:
    """Whose answers count for `person`: their own, and a guardian's too for a minor."""
    return [Party.PERSON, Party.GUARDIAN] if person.minor else [Party.PERSON]


def allows(person: PersonOnScreen, use: str, answers: Answers, at: datetime) -> bool:
    """Whether `person` agrees to `use` at `at` (the rule of this module)."""
    if use == ConsentUse.JURY and person.jury_waived_at is not None and person.jury_waived_at <= at:
        return True
    return all(_gives(answers.get((person.pk, party, use)), at) for party in parties(person))


def consented_uses_by_entry(entry_ids: Iterable[int], *, at: datetime) -> dict[int, frozenset[str]]:
    """For each entry, the uses every person it lists agrees to at `at`. Two queries, whatever the number."""
    entry_ids = list(entry_ids)
    people = defaultdict(list)
    for person in PersonOnScreen.objects.filter(entry_id__in=entry_ids):
        people[person.entry_id].append(person)
    answers = answers_at([person.pk for listed in people.values() for person in listed], at) if people else {}
    return {
        entry_id: frozenset(
            use for use in ALL_USES if all(allows(person, use, answers, at) for person in people[entry_id])
        )
        for entry_id in entry_ids
    }


def consented_uses(entry: Entry, *, at: datetime | None = None) -> frozenset[str]:
    return consented_uses_by_entry([entry.pk], at=at or timezone.now())[entry.pk]


def allows_jury(entry: Entry, *, at: datetime | None = None) -> bool:
    """Whether the jury may watch the film now (the juror's player and screener ask here)."""
    return ConsentUse.JURY in consented_uses(entry, at=at)


@dataclass(frozen=True)
class UseState:
    use: str
    label: object
    allowed: bool
    until: datetime | None  # the earliest end date among the answers that give it, if any
    withheld_by: list[str]  # names of the people who do not agree (for the team and organisers only)


@dataclass(frozen=True)
class PersonState:
    person: PersonOnScreen
    uses: list[UseState]
    waiting: list[str]  # the parties who never answered

    @property
    def agrees_to_jury(self) -> bool:
        return any(state.allowed for state in self.uses if state.use == ConsentUse.JURY)


def people_states(entry: Entry, *, at: datetime | None = None) -> list[PersonState]:
    """Each listed person with their answer about each use at `at`, for the team's and the organisers' pages."""
    at = at or timezone.now()
    people = list(entry.people_on_screen.all())
    answers = answers_at([person.pk for person in people], at)
    labels = dict(ConsentUse.choices)
    states = []
    for person in people:
        uses = []
        for use in ConsentUse.values:
            records = [answers.get((person.pk, party, use)) for party in parties(person)]
            ends = [record.until for record in records if _gives(record, at) and record.until]
            allowed = allows(person, use, answers, at)
            uses.append(UseState(use, labels[use], allowed, min(ends) if ends and allowed else None, []))
        waiting = [
            party
            for party in parties(person)
            if not any((person.pk, party, use) in answers for use in ConsentUse.values)
        ]
        states.append(PersonState(person, uses, waiting))
    return states


def entry_use_states(entry: Entry, *, at: datetime | None = None) -> list[UseState]:
    """Each use for the entry as a whole: allowed only when every listed person agrees, with who does not."""
    people = people_states(entry, at=at)
    labels = dict(ConsentUse.choices)
    result = []
    for use in ConsentUse.values:
        per_person = [(state.person, next(u for u in state.uses if u.use == use)) for state in people]
        withheld = [person.name for person, state in per_person if not state.allowed]
        ends = [state.until for _, state in per_person if state.until]
        result.append(UseState(use, labels[use], not withheld, min(ends) if ends and not withheld else None, withheld))
    return result


def missing_jury_consent(entry: Entry, *, at: datetime | None = None) -> list[PersonOnScreen]:
    """The listed people whose agreement to the jury's viewing the entry still waits for (no waiver)."""
    return [state.person for state in people_states(entry, at=at) if not state.agrees_to_jury]


# Planned uses: the apps that schedule showings (judging for the jury, releases for the rest) say from when each use
# is planned for an entry, for the consent page. A provider returns {use: first planned second}.
_PLANNED_USE_PROVIDERS: list[Callable[[Entry], dict[str, datetime]]] = []


def register_planned_uses(provider: Callable[[Entry], dict[str, datetime]]) -> None:
    if provider not in _PLANNED_USE_PROVIDERS:
        _PLANNED_USE_PROVIDERS.append(provider)


def planned_uses(entry: Entry) -> dict[str, datetime]:
    """The first second each use is planned for `entry`, from every registered app (uses not planned are absent)."""
    planned: dict[str, datetime] = {}
    for provider in _PLANNED_USE_PROVIDERS:
        for use, moment in provider(entry).items():
            if use not in planned or moment < planned[use]:
                planned[use] = moment
    return planned
