"""Balanced, conflict-aware assignment of jurors to entries, on ids only (no database).

Every entry gets `k` distinct eligible jurors (all of its eligible jurors when fewer than k exist); juror loads are
made as even as the conflicts allow (they differ by at most one whenever some assignment achieves it); pairs that
must be kept (scores already in, manual choices) are never moved.

How: entries are served most-constrained first, each taking its least-loaded eligible jurors (random tie-break, so
that the same jurors do not always sit together). Then loads are repaired with augmenting paths: while a juror with
load L can hand one of its movable entries, possibly through a chain of jurors, to a juror with load <= L - 2, do it.
When no such path exists the load vector cannot be evened further (the semi-matching optimality condition), so the
result is as balanced as the conflicts allow.
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


def plan_assignment(
    *,
    entries: Iterable[int],
    jurors: Iterable[int],
    k: int,
    forbidden: Iterable[Pair] = (),
    existing: Iterable[Pair] = (),
    locked: Iterable[Pair] = (),
    covered: dict[int, int] | None = None,
    seed: int = 0,
) -> Plan:
    """Plan the assignment of `jurors` to `entries`.

    `forbidden`: (juror, entry) pairs that must never be assigned (conflicts, opt-outs).
    `existing`: pairs already assigned; kept unless forbidden or their juror is gone, but may be moved to even loads.
    `locked`: pairs that stay whatever happens (scores in, manual choices); they count towards k and loads.
    `covered`: entry -> reviews it already has from outside `jurors` (someone who left after scoring it).
    Returns the pairs to add and to remove, the resulting loads and the entries still short of k."""
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

    # Greedy: the entries with the fewest eligible jurors choose first.
    order = sorted(entries, key=lambda entry: (len(eligible[entry]), rng.random()))
    covered = covered or {}
    for entry in order:
        missing = k - len(assigned[entry]) - covered.get(entry, 0)
        if missing <= 0:
            continue
        candidates = [juror for juror in eligible[entry] if juror not in assigned[entry]]
        candidates.sort(key=lambda juror: (loads[juror], tie[juror]))
        for juror in candidates[:missing]:
            assigned[entry].add(juror)
            entries_of[juror].add(entry)
            loads[juror] += 1
        # Reshuffle tie-breaks now and then so that juror groups vary across entries.
        if rng.random() < 0.2:
            tie = {juror: rng.random() for juror in jurors}

    _even_loads(
        assigned=assigned, entries_of=entries_of, loads=loads, eligible=eligible, locked=locked, forbidden=forbidden
    )

    before = {pair for pair in existing if pair not in removed}
    after = {(juror, entry) for entry, members in assigned.items() for juror in members}
    added = sorted(after - before - locked)
    removed = sorted(set(removed) | (before - after - locked))
    short = {
        entry: k - len(members) - covered.get(entry, 0)
        for entry, members in assigned.items()
        if len(members) + covered.get(entry, 0) < k
    }
    return Plan(added=added, removed=removed, loads=loads, short=short)


def _even_loads(*, assigned, entries_of, loads, eligible, locked, forbidden) -> None:
    """Move entries along augmenting paths from heavy to light jurors until no move can even the loads."""
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
                target_max=level - 2,
                assigned=assigned,
                entries_of=entries_of,
                loads=loads,
                eligible=eligible,
                locked=locked,
            )
            if path:
                _apply_path(path, assigned=assigned, entries_of=entries_of, loads=loads)
                improved = True
                break
        if not improved:
            return


def _find_path(*, sources, target_max, assigned, entries_of, loads, eligible, locked):
    """Breadth-first search for a chain juror -(entry)-> juror ... ending at a juror with load <= target_max.
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
                if loads[receiver] <= target_max:
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
