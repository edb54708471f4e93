"""Bench: judging at the size of a big contest on PostgreSQL. 2,000 entries, 60 jurors, 5 jurors per entry,
8 criteria (80,000 scores), 5 % of (juror, entry) pairs in conflict. Measures the assignment (the whole service:
reads, planning, writes), the results page (computed and rendered through the real view) and the scores CSV export
(80,000 rows, through the real view), and the final vote's count of 60 ballots over 20 finalists by each method
(plain data: judging.voting). Creates its own database (BENCH_DATABASE, default palmares_bench_judging) on the
server of BENCH_POSTGRES_URL and drops it afterwards. Last line: one JSON object."""

import json
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.lib.postgres import SERVER, admin_sql  # noqa: E402 (after the path)

DATABASE = os.environ.get("BENCH_DATABASE", "palmares_bench_judging")
os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

ENTRIES, JURORS, K, CRITERIA, CONFLICT_RATE = 2000, 60, 5, 8, 0.05
BALLOTS, FINALISTS = 60, 20
TARGETS = {"assign_s": 2.0, "results_page_s": 0.5, "scores_csv_s": 2.0, "vote_count_s": 0.1}


def timed(action, runs: int = 1) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def vote_figures() -> dict:
    """The slowest of the three counts (median of 5) of 60 full ballots over 20 finalists, seeded."""
    from judging import voting

    rng = random.Random(2026)
    finalists = list(range(FINALISTS))
    ballots = [rng.sample(finalists, FINALISTS) for _ in range(BALLOTS)]
    counts = {
        "schulze": lambda: voting.count_schulze(finalists=finalists, ballots=ballots, tiebreak=finalists),
        "ranked_pairs": lambda: voting.count_ranked_pairs(finalists=finalists, ballots=ballots, tiebreak=finalists),
        "stv_3_seats": lambda: voting.count_single_transferable_vote(
            finalists=finalists, ballots=ballots, tiebreak=finalists, seats=3
        ),
    }
    times = {name: timed(count, runs=5)[0] for name, count in counts.items()}
    return {
        "vote_ballots": BALLOTS,
        "vote_finalists": FINALISTS,
        **{f"vote_{name}_s": round(seconds, 4) for name, seconds in times.items()},
        "vote_count_s": round(max(times.values()), 4),
    }


def main() -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from contest.models import Contest, ContestRole, Entry, Institution, Team
    from judging import services
    from judging.models import Assignment, Conflict, Criterion, Review, Round, RoundJuror, Score

    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    now = timezone.now()
    contest = Contest.objects.create(
        slug="bench", title_fr="Banc d'essai", opens_at=now - timezone.timedelta(days=30), closes_at=now
    )
    organiser = User.objects.create_user("organiser@bench.invalid", None)
    ContestRole.objects.create(contest=contest, user=organiser, role=ContestRole.Role.ORGANISER)
    institutions = Institution.objects.bulk_create([Institution(name=f"Lycée {n}") for n in range(200)])
    teams = Team.objects.bulk_create(
        [Team(contest=contest, name=f"Équipe {n}", institution=institutions[n % 200]) for n in range(ENTRIES)]
    )
    entries = Entry.objects.bulk_create(
        [
            Entry(contest=contest, team=team, title=f"Film {n}", status=Entry.Status.SUBMITTED, film_accepted=True)
            for n, team in enumerate(teams)
        ],
        batch_size=1000,
    )
    jurors = User.objects.bulk_create([User(email=f"juror{n}@bench.invalid") for n in range(JURORS)])
    ContestRole.objects.bulk_create(
        [ContestRole(contest=contest, user=juror, role=ContestRole.Role.JUROR) for juror in jurors]
    )
    judged = Round.objects.create(
        contest=contest,
        name_fr="Présélection",
        opens_at=now - timezone.timedelta(days=1),
        closes_at=now + timezone.timedelta(days=7),
        jurors_per_entry=K,
        conflicts_by_institution=False,
    )
    criteria = Criterion.objects.bulk_create(
        [
            Criterion(
                round=judged,
                name_fr=f"Critère {n}",
                weight=Decimal(1 + n % 3),
                scale_min=0,
                scale_max=20,
                step=Decimal("0.5"),
                order=n,
            )
            for n in range(CRITERIA)
        ]
    )
    RoundJuror.objects.bulk_create([RoundJuror(round=judged, user=juror) for juror in jurors])
    conflicts = [
        Conflict(contest=contest, juror=juror, kind=Conflict.Kind.ENTRY, entry=entry)
        for juror in jurors
        for entry in entries
        if rng.random() < CONFLICT_RATE
    ]
    Conflict.objects.bulk_create(conflicts, batch_size=5000)

    assign_s, outcome = timed(lambda: services.assign_jurors(round=judged, by=organiser))
    assert outcome["added"] == ENTRIES * K and not outcome["short"], outcome["short"]
    loads = outcome["loads"].values()
    conflicted = set(Conflict.objects.values_list("juror_id", "entry_id"))
    assert not conflicted & set(Assignment.objects.values_list("juror_id", "entry_id"))

    # Every juror scores everything they drew: a per-juror severity plus noise, on 0..20 by halves.
    severity = {juror.pk: rng.uniform(-3, 3) for juror in jurors}
    assignments = list(Assignment.objects.filter(round=judged).values_list("pk", "juror_id"))
    Review.objects.bulk_create(
        [
            Review(
                assignment_id=pk,
                status=Review.Status.SUBMITTED,
                watched_seconds=rng.uniform(100, 600),
                duration_seconds=600,
                submitted_at=now,
            )
            for pk, _ in assignments
        ],
        batch_size=5000,
    )
    scores = []
    for pk, juror in assignments:
        for criterion in criteria:
            value = min(20, max(0, round(2 * (rng.gauss(12, 3) + severity[juror])) / 2))
            scores.append(Score(assignment_id=pk, criterion=criterion, value=Decimal(str(value))))
    Score.objects.bulk_create(scores, batch_size=10000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    client = Client()
    client.force_login(organiser)
    results_url = reverse("judging_results", kwargs={"contest_slug": contest.slug, "round_id": judged.pk})
    csv_url = reverse(
        "judging_round_export",
        kwargs={"contest_slug": contest.slug, "round_id": judged.pk, "what": "scores", "fmt": "csv"},
    )
    first_results_s, _ = timed(lambda: client.get(results_url))
    results_s, response = timed(lambda: client.get(results_url), runs=5)
    assert response.status_code == 200 and response.content.count(b'<tr data-code="') == ENTRIES
    csv_s, response = timed(lambda: client.get(csv_url), runs=3)
    assert response.status_code == 200
    csv_rows = response.content.count(b"\n") - 1
    assert csv_rows == ENTRIES * K * CRITERIA, csv_rows
    connection.close()
    figures = {
        "entries": ENTRIES,
        "jurors": JURORS,
        "jurors_per_entry": K,
        "criteria": CRITERIA,
        "scores": len(scores),
        "conflicts": len(conflicts),
        "load_min": min(loads),
        "load_max": max(loads),
        "assign_s": round(assign_s, 3),
        "results_page_s": round(results_s, 3),
        "results_page_first_s": round(first_results_s, 3),
        "results_page_bytes": len(client.get(results_url).content),
        "scores_csv_s": round(csv_s, 3),
        "scores_csv_rows": csv_rows,
        **vote_figures(),
    }
    connection.close()
    return figures


if __name__ == "__main__":
    admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}"')
    admin_sql(f'CREATE DATABASE "{DATABASE}"')
    try:
        figures = main()
    finally:
        from django.db import connections

        connections.close_all()
        if not os.environ.get("BENCH_KEEP_DATABASE"):
            admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    ok = (
        all(figures[name] < target for name, target in TARGETS.items())
        and figures["load_max"] - figures["load_min"] <= 1
    )
    print(json.dumps({**figures, "targets": TARGETS, "ok": ok}))
