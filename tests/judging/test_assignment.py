"""The planner on ids: balance, conflicts, coverage, kept pairs. Property-based with hypothesis."""

import random
import time
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from judging.assignment import plan_assignment


def _pairs(plan, existing=()):
    return (set(existing) - set(plan.removed)) | set(plan.added)


def _balanced_is_possible(entries, jurors, k, forbidden) -> bool:
    """Independent check by max flow with lower bounds: can every entry get min(k, eligible) jurors with every
    juror's load in {floor(T/J), ceil(T/J)}?"""
    demand = {e: min(k, sum(1 for j in jurors if (j, e) not in forbidden)) for e in entries}
    total = sum(demand.values())
    low, high = total // len(jurors), -(-total // len(jurors))
    # Nodes: S, T, entries, jurors; juror->T has lower bound `low`, capacity `high`.
    graph: dict = {}

    def edge(a, b, capacity):
        graph.setdefault(a, {}).setdefault(b, 0)
        graph[a][b] += capacity
        graph.setdefault(b, {}).setdefault(a, 0)

    for e in entries:
        edge("S", ("e", e), demand[e])
        for j in jurors:
            if (j, e) not in forbidden:
                edge(("e", e), ("j", j), 1)
    for j in jurors:
        edge(("j", j), "T", high - low)
    # Lower bounds: T->S unbounded, SS->T low*J... standard reduction.
    edge("T", "S", 10**9)
    for j in jurors:
        edge("SS", "T", low)
        edge(("j", j), "TT", low)

    def bfs_flow(source, sink):
        flow = 0
        while True:
            parent = {source: None}
            queue = [source]
            for node in queue:
                for nxt, capacity in graph.get(node, {}).items():
                    if capacity > 0 and nxt not in parent:
                        parent[nxt] = node
                        queue.append(nxt)
            if sink not in parent:
                return flow
            path, node = [], sink
            while parent[node] is not None:
                path.append((parent[node], node))
                node = parent[node]
            push = min(graph[a][b] for a, b in path)
            for a, b in path:
                graph[a][b] -= push
                graph[b][a] += push
            flow += push

    needed = low * len(jurors)
    if bfs_flow("SS", "TT") != needed:
        return False
    # Every entry's demand must be met too: push from S to T in the residual graph.
    graph["T"]["S"] = 0
    graph["S"]["T"] = 0
    bfs_flow("S", "T")
    return all(graph["S"][("e", e)] == 0 for e in entries)


instances = st.integers(min_value=1, max_value=25).flatmap(
    lambda entry_count: st.integers(min_value=1, max_value=8).flatmap(
        lambda juror_count: st.tuples(
            st.just(list(range(entry_count))),
            st.just(list(range(100, 100 + juror_count))),
            st.integers(min_value=1, max_value=4),
            st.sets(
                st.tuples(st.integers(100, 100 + juror_count - 1), st.integers(0, entry_count - 1)),
                max_size=entry_count * juror_count // 3,
            ),
            st.integers(min_value=0, max_value=1000),
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(instances)
def test_no_conflict_is_ever_assigned_and_each_entry_gets_k_or_every_eligible_juror(instance):
    entries, jurors, k, forbidden, seed = instance
    plan = plan_assignment(entries=entries, jurors=jurors, k=k, forbidden=forbidden, seed=seed)
    pairs = _pairs(plan)
    assert not pairs & forbidden
    per_entry = Counter(entry for _, entry in pairs)
    assert len(pairs) == len(set(pairs))
    for entry in entries:
        eligible = sum(1 for juror in jurors if (juror, entry) not in forbidden)
        assert per_entry[entry] == min(k, eligible)
        assert plan.short.get(entry, 0) == k - min(k, eligible)


@settings(max_examples=300, deadline=None)
@given(instances)
def test_loads_differ_by_at_most_one_whenever_some_assignment_achieves_it(instance):
    entries, jurors, k, forbidden, seed = instance
    plan = plan_assignment(entries=entries, jurors=jurors, k=k, forbidden=forbidden, seed=seed)
    loads = Counter(juror for juror, _ in _pairs(plan))
    spread = max(loads[j] for j in jurors) - min(loads[j] for j in jurors)
    if _balanced_is_possible(entries, jurors, k, forbidden):
        assert spread <= 1
    assert plan.loads == {juror: loads[juror] for juror in jurors}


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=3, max_value=30),
    st.integers(min_value=3, max_value=8),
    st.integers(min_value=1, max_value=3),
    st.integers(min_value=0, max_value=1000),
)
def test_without_conflicts_loads_always_differ_by_at_most_one(entry_count, juror_count, k, seed):
    entries, jurors = list(range(entry_count)), list(range(100, 100 + juror_count))
    plan = plan_assignment(entries=entries, jurors=jurors, k=k, seed=seed)
    loads = Counter(juror for juror, _ in plan.added)
    assert max(loads[j] for j in jurors) - min(loads[j] for j in jurors) <= 1
    assert Counter(entry for _, entry in plan.added) == {entry: min(k, juror_count) for entry in entries}


@settings(max_examples=200, deadline=None)
@given(instances, st.data())
def test_locked_pairs_are_kept_and_existing_pairs_only_move_to_even_loads(instance, data):
    entries, jurors, k, forbidden, seed = instance
    allowed = [(j, e) for j in jurors for e in entries if (j, e) not in forbidden]
    locked = set(data.draw(st.lists(st.sampled_from(allowed), max_size=5, unique=True))) if allowed else set()
    plan = plan_assignment(entries=entries, jurors=jurors, k=k, forbidden=forbidden, locked=locked, seed=seed)
    pairs = _pairs(plan, existing=locked)
    assert locked <= pairs
    assert not set(plan.removed) & locked
    assert not pairs & forbidden


def test_a_juror_who_leaves_has_their_unlocked_entries_redistributed_evenly():
    entries, jurors = list(range(30)), [1, 2, 3, 4]
    first = plan_assignment(entries=entries, jurors=jurors, k=2)
    existing = set(first.added)
    scored = {pair for pair in existing if pair[0] == 4 and pair[1] < 5}
    # Juror 4 leaves: their scored pairs stay (and count for the entry), the rest is handed out again.
    remaining = {pair for pair in existing if pair[0] != 4}
    covered = Counter(entry for _, entry in scored)
    second = plan_assignment(entries=entries, jurors=[1, 2, 3], k=2, existing=remaining, covered=covered)
    pairs = (remaining - set(second.removed)) | set(second.added)
    assert all(juror != 4 for juror, _ in pairs)
    per_entry = Counter(entry for _, entry in pairs)
    assert {entry: per_entry[entry] + covered[entry] for entry in entries} == dict.fromkeys(entries, 2)
    loads = Counter(juror for juror, _ in pairs)
    assert max(loads.values()) - min(loads.values()) <= 1


def test_two_thousand_entries_sixty_jurors_five_each_with_five_percent_conflicts_in_under_two_seconds():
    rng = random.Random(7)
    entries, jurors = list(range(2000)), list(range(10_000, 10_060))
    forbidden = {(j, e) for j in jurors for e in entries if rng.random() < 0.05}
    started = time.perf_counter()
    plan = plan_assignment(entries=entries, jurors=jurors, k=5, forbidden=forbidden)
    elapsed = time.perf_counter() - started
    assert elapsed < 2
    assert len(plan.added) == 10_000
    assert plan.short == {}
    assert not set(plan.added) & forbidden
    assert max(plan.loads.values()) - min(plan.loads.values()) <= 1
