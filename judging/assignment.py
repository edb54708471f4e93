"""Balanced, conflict-aware assignment of jurors to entries, on ids only (no database).

Every entry gets `k` distinct eligible jurors (all of its eligible jurors when fewer than k exist, or as many as
the jurors' capacities leave room for); juror loads are made as even as the conflicts and capacities allow (they
differ by at most one whenever some assignment achieves it); pairs that must be kept (scores already in, manual
choices) are never moved. A juror's maximum is never exceeded; their minimum is reached where moving entries to them
does not make the loads less even; their wishes ("I would like" +1, "rather not" -1) only choose between jurors of
equal load, so they never break balance, a capacity or a conflict.

How: entries are served most-constrained first, each taking its least-loaded eligible jurors with room left (ties:
the juror below their minimum, then the one who wishes it most, then at random, so that the same jurors do not
always sit together). An entry still short then looks for an augmenting path: a juror who is full hands one of its
movable entries, possibly through a chain, to a juror with room (b-matching: no such path means no assignment
covers more). Then loads are repaired with augmenting paths: while a juror with load L can hand one of its movable
entries, possibly through a chain of jurors, to a juror with load <= L - 2 and room left, do it. When no such path
exists the load vector cannot be evened further (the semi-matching optimality condition), so the result is as
balanced as the conflicts and capacities allow. Last, a juror below their minimum receives, through such a chain,
from a juror above both their own minimum and the receiver's load (the loads get no less even).
"""

import random
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

Pair = tuple[int, int]  # (juror_id, entry_id)


@dataclass
class Plan:
    added: list[Pair] = field(default_factory=list)
    removed: list[Pair] = field(default_factory=list)
    loads: dict[int, int] = field(default_factory=dict)
    short: dict[int, int] = field(default_factory=dict)  # entry_id -> how many jurors it lacks
    below_minimum: dict[int, int] = field(default_factory=dict)  # juror_id -> how many entries short of their minimum


def plan_assignment(
    *,
    entries: Iterable[int],
    jurors: Iterable[int],
    k: int,
    forbidden: Iterable[Pair] = (),
    existing: Iterable[Pair] = (),
    locked: Iterable[Pair] = (),
    covered: dict[int, int] | None = None,
    capacity: dict[int, int] | None = None,
    minimum: dict[int, int] | None = None,
    wishes: dict[Pair, int] | None = None,
    seed: int = 0,
) -> Plan:
    """Plan the assignment of `jurors` to `entries`.

    `forbidden`: (juror, entry) pairs that must never be assigned (conflicts, opt-outs).
    `existing`: pairs already assigned; kept unless forbidden or their juror is gone, but may be moved to even loads.
    `locked`: pairs that stay whatever happens (scores in, manual choices); they count towards k and loads.
    `covered`: entry -> reviews it already has from outside `jurors` (someone who left after scoring it).
    `capacity` / `minimum`: juror -> the most / the fewest entries they take (absent: no bound); locked pairs count.
    `wishes`: (juror, entry) -> +1 (would like) or -1 (rather not); 0 or absent: no wish.
    Returns the pairs to add and to remove, the resulting loads, the entries still short of k and the jurors still
    below their minimum."""
    entries = sorted(set(entries))
    jurors = sorted(set(jurors))
    entry_set = set(entries)
    juror_set = set(jurors)
    forbidden = set(forbidden)
    locked = {pair for pair in locked if pair[0] in juror_set and pair[1] in entry_set}
    existing = set(existing)
    rng = random.Random(seed)

    assigned: dict[int, set[int]] = {entry: set() for entry in entries}
    entries_of: dict[int, set[int]] = {juror: set() for juror in jurors}
    removed = []
    for pair in existing:
        juror, entry = pair
        if pair in locked:
            continue
        if juror not in juror_set or entry not in entry_set or pair in forbidden:
            removed.append(pair)
    for juror, entry in existing | locked:
        if (juror, entry) in locked or (juror in juror_set and entry in entry_set and (juror, entry) not in forbidden):
            assigned[entry].add(juror)
            entries_of[juror].add(entry)

    eligible: dict[int, list[int]] = {
        entry: [juror for juror in jurors if (juror, entry) not in forbidden] for entry in entries
    }
    loads = {juror: len(entries_of[juror]) for juror in jurors}
    tie = {juror: rng.random() for juror in jurors}
    capacity = {juror: capacity[juror] for juror in jurors if capacity and capacity.get(juror) is not None}
    minimum = {juror: minimum[juror] for juror in jurors if minimum and minimum.get(juror)}
    wishes = wishes or {}

    def has_room(juror: int) -> bool:
        return juror not in capacity or loads[juror] < capacity[juror]

    # Greedy: the entries with the fewest eligible jurors choose first.
    order = sorted(entries, key=lambda entry: (len(eligible[entry]), rng.random()))
    covered = covered or {}

    def missing(entry: int) -> int:
        return k - len(assigned[entry]) - covered.get(entry, 0)

    for entry in order:
        if missing(entry) <= 0:
            continue
        candidates = [juror for juror in eligible[entry] if juror not in assigned[entry] and has_room(juror)]
        candidates.sort(
            key=lambda juror: (
                loads[juror],
                loads[juror] >= minimum.get(juror, 0),
                -wishes.get((juror, entry), 0),
                tie[juror],
            )
        )
        for juror in candidates[: missing(entry)]:
            assigned[entry].add(juror)
            entries_of[juror].add(entry)
            loads[juror] += 1
        # Reshuffle tie-breaks now and then so that juror groups vary across entries.
        if rng.random() < 0.2:
            tie = {juror: rng.random() for juror in jurors}

    graph = {"assigned": assigned, "entries_of": entries_of, "loads": loads, "eligible": eligible, "locked": locked}
    if capacity:
        _fill_short(entries=order, missing=missing, has_room=has_room, **graph)
    _even_loads(has_room=has_room, **graph)
    if minimum:
        _raise_minimums(minimum=minimum, has_room=has_room, **graph)
    if wishes:
        _follow_wishes(wishes=wishes, minimum=minimum, has_room=has_room, **graph)

    before = {pair for pair in existing if pair not in removed}
    after = {(juror, entry) for entry, members in assigned.items() for juror in members}
    added = sorted(after - before - locked)
    removed = sorted(set(removed) | (before - after - locked))
    short = {
        entry: k - len(members) - covered.get(entry, 0)
        for entry, members in assigned.items()
        if len(members) + covered.get(entry, 0) < k
    }
    below = {juror: floor - loads[juror] for juror, floor in minimum.items() if loads[juror] < floor}
    return Plan(added=added, removed=removed, loads=loads, short=short, below_minimum=below)


def _fill_short(*, entries, missing, has_room, assigned, entries_of, loads, eligible, locked) -> None:
    """Give each entry still short a juror through an augmenting path: a full juror takes it and hands one of its
    movable entries on, possibly through a chain, to a juror with room."""
    for entry in entries:
        while missing(entry) > 0:
            full = [juror for juror in eligible[entry] if juror not in assigned[entry] and not has_room(juror)]
            path = _find_path(
                sources=full,
                accept=has_room,
                assigned=assigned,
                entries_of=entries_of,
                eligible=eligible,
                locked=locked,
            )
            if path is None:
                break
            _apply_path(path, assigned=assigned, entries_of=entries_of, loads=loads)
            taker = path[0][0]
            assigned[entry].add(taker)
            entries_of[taker].add(entry)
            loads[taker] += 1


def _even_loads(*, has_room, assigned, entries_of, loads, eligible, locked) -> None:
    """Move entries along augmenting paths from heavy to light jurors with room until no move can even the loads."""
    if not loads:
        return
    while True:
        improved = False
        levels = sorted(set(loads.values()), reverse=True)
        for level in levels:
            if level - min(loads.values()) <= 1:
                break
            path = _find_path(
                sources=[juror for juror, load in loads.items() if load == level],
                accept=lambda receiver, level=level: loads[receiver] <= level - 2 and has_room(receiver),
                assigned=assigned,
                entries_of=entries_of,
                eligible=eligible,
                locked=locked,
            )
            if path:
                _apply_path(path, assigned=assigned, entries_of=entries_of, loads=loads)
                improved = True
                break
        if not improved:
            return


def _raise_minimums(*, minimum, has_room, assigned, entries_of, loads, eligible, locked) -> None:
    """Bring jurors below their minimum up, each entry from a juror above their own minimum and above the
    receiver's load (so the loads get no less even), while such a chain exists."""
    for juror in sorted(minimum):
        while loads[juror] < minimum[juror] and has_room(juror):
            donors = [
                donor for donor in loads if donor != juror and loads[donor] > max(minimum.get(donor, 0), loads[juror])
            ]
            path = _find_path(
                sources=donors,
                accept=lambda receiver, juror=juror: receiver == juror,
                assigned=assigned,
                entries_of=entries_of,
                eligible=eligible,
                locked=locked,
            )
            if path is None:
                break
            _apply_path(path, assigned=assigned, entries_of=entries_of, loads=loads)


def _follow_wishes(*, wishes, minimum, has_room, assigned, entries_of, loads, eligible, locked) -> None:
    """Change who judges what where wishes gain and the loads stay as they are: an entry moves from a juror to one
    with one entry fewer (the two loads trade places; never below the giver's minimum), or two jurors swap an entry
    each. Each change raises the sum of the wishes met, so this ends."""

    def wish(juror, entry) -> int:
        return wishes.get((juror, entry), 0)

    def can_take(juror, entry) -> bool:
        return juror not in assigned[entry] and (juror, entry) not in locked and juror in eligible_sets[entry]

    eligible_sets = {entry: set(jurors) for entry, jurors in eligible.items()}

    def improve(juror, entry) -> bool:
        """One change for this wished pair, if one gains: the wished juror takes the entry ("would like"), or hands
        it to another ("rather not")."""
        holders = [juror] if juror in assigned[entry] else sorted(assigned[entry])
        for holder in holders:
            for taker in sorted(eligible[entry]) if holder == juror else [juror]:
                if taker == holder or (holder, entry) in locked or not can_take(taker, entry):
                    continue
                if wish(taker, entry) <= wish(holder, entry):
                    continue
                if loads[holder] == loads[taker] + 1 and has_room(taker) and loads[holder] > minimum.get(holder, 0):
                    _apply_path([(holder, entry, taker)], assigned=assigned, entries_of=entries_of, loads=loads)
                    return True
                back = next(
                    (
                        other
                        for other in sorted(entries_of[taker])
                        if (taker, other) not in locked
                        and holder not in assigned[other]
                        and holder in eligible_sets[other]
                        and wish(taker, entry) + wish(holder, other) > wish(holder, entry) + wish(taker, other)
                    ),
                    None,
                )
                if back is not None:
                    _apply_path(
                        [(holder, entry, taker), (taker, back, holder)],
                        assigned=assigned,
                        entries_of=entries_of,
                        loads=loads,
                    )
                    return True
        return False

    pairs = sorted(pair for pair in wishes if pair[1] in assigned)
    improved = True
    while improved:  # passes over the wishes until one changes nothing
        improved = False
        for juror, entry in pairs:
            improved |= improve(juror, entry)


def _find_path(*, sources, accept, assigned, entries_of, eligible, locked):
    """Breadth-first search for a chain juror -(entry)-> juror ... ending at a juror `accept` takes.
    Returns [(giver, entry, receiver), ...] or None."""
    parent: dict[int, tuple[int, int]] = {}
    visited = set(sources)
    queue = deque(sources)
    while queue:
        giver = queue.popleft()
        for entry in sorted(entries_of[giver]):
            if (giver, entry) in locked:
                continue
            members = assigned[entry]
            for receiver in eligible[entry]:
                if receiver in visited or receiver in members:
                    continue
                visited.add(receiver)
                parent[receiver] = (giver, entry)
                if accept(receiver):
                    path = []
                    node = receiver
                    while node in parent:
                        previous, moved = parent[node]
                        path.append((previous, moved, node))
                        node = previous
                    return list(reversed(path))
                queue.append(receiver)
    return None


def _apply_path(path, *, assigned, entries_of, loads) -> None:
    # Apply from the end so that each juror receives before it gives: the entries stay distinct per juror.
    for giver, entry, receiver in reversed(path):
        assigned[entry].discard(giver)
        assigned[entry].add(receiver)
        entries_of[giver].discard(entry)
        entries_of[receiver].add(entry)
        loads[giver] -= 1
        loads[receiver] += 1
