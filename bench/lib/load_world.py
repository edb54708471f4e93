"""The world bench/load.py drives: a closed contest with released winners and an open round of signed-in jurors.
Called in the bench's process once Django is set up on the bench's database; this folder is not one `make bench`
runs (its loop takes bench/*.py only)."""

from datetime import timedelta

CONTEST = "bench"
ENTRIES = 60
RELEASED = 20
ASSIGNMENTS_PER_JUROR = 3


def seed(origin: str, *, juror_count: int) -> dict:
    """A closed contest: ENTRIES submitted entries, five prizes awarded, RELEASED releases whose announcement and
    film are public now (the teams approved), and an open round where each of `juror_count` jurors (signed in) has
    ASSIGNMENTS_PER_JUROR entries. Goes through the services where a rule or an audit event applies."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone
    from django.utils.crypto import get_random_string
    from django.utils.module_loading import import_string

    from accounts.models import User
    from contest.models import Contest, ContestRole, Entry, Institution, Prize, Team, TeamMember
    from judging.models import Assignment, Criterion, Round, RoundJuror
    from judging.services import record_award
    from media_pipeline.models import Film
    from releases import services as releases

    now = timezone.now()
    contest = Contest.objects.create(
        slug=CONTEST,
        title_fr="Concours de charge",
        title_en="Load contest",
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=10),
    )
    organiser = User.objects.create_user("organiser@bench.invalid", None, full_name="Organiser")
    ContestRole.objects.create(contest=contest, user=organiser, role=ContestRole.Role.ORGANISER)
    institutions = [Institution.objects.create(name=f"Lycée de charge {n}") for n in range(6)]
    prizes = [Prize.objects.create(contest=contest, name_fr=f"Prix {n + 1}", order=n) for n in range(5)]
    unusable = make_password(None)  # sessions are made below; nobody logs in with a password
    captains = User.objects.bulk_create(
        User(email=f"team{n:02d}@bench.invalid", full_name=f"Capitaine {n:02d}", password=unusable)
        for n in range(ENTRIES)
    )
    teams = Team.objects.bulk_create(
        Team(contest=contest, name=f"Équipe {n:02d}", institution=institutions[n % 6]) for n in range(ENTRIES)
    )
    TeamMember.objects.bulk_create(
        TeamMember(team=team, user=captain, role=TeamMember.Role.CAPTAIN, job="réalisation")
        for team, captain in zip(teams, captains, strict=True)
    )
    entries = Entry.objects.bulk_create(
        Entry(
            contest=contest,
            team=team,
            title=f"Film numéro {n:02d}",
            synopsis_fr="Une histoire courte, racontée en quelques minutes, au lycée. " * 4,
            synopsis_en="A short story told in a few minutes, at school. " * 4,
            credits="Réalisation, image, son : l'équipe.",
            runtime_s=300 + n,
            consent_on_screen=True,
            rights_cleared=True,
            rules_accepted=True,
            film_accepted=True,
            status=Entry.Status.SUBMITTED,
            submitted_at=now - timedelta(days=11),
        )
        for n, team in enumerate(teams)
    )
    for index, entry in enumerate(entries[:RELEASED]):
        key = default_storage.save(f"bench/{entry.public_id}.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42" * 64))
        Film.objects.create(
            entry=entry,
            key=key,
            original_name="film.mp4",
            content_type="video/mp4",
            size=768,
            checksum="bench",
            state=Film.State.READY,
        )
        if index < len(prizes):
            record_award(prize=prizes[index], entry=entry, by=organiser, citation_fr="Pour son regard.")
        release = releases.ensure_release(entry=entry, by=organiser)
        public = {"team", "jury", "community", "public"}
        releases.add_step(
            release=release, target="announcement", at=now - timedelta(hours=1), audiences=public, by=organiser
        )
        releases.add_step(release=release, target="film", at=now - timedelta(hours=1), audiences=public, by=organiser)
        step_ids = [step.pk for step in releases.pending_approvals(release)]
        releases.approve_film_steps(release=release, step_ids=step_ids, by=captains[index])
        releases.set_team_name_shown(release=release, show=True, by=captains[index])

    round = Round.objects.create(
        contest=contest,
        name_fr="Présélection",
        order=1,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
        jurors_per_entry=5,
        conflicts_by_institution=False,
    )
    criteria = [
        Criterion.objects.create(round=round, name_fr="Message", weight=2, scale_min=1, scale_max=5, step=1, order=1),
        Criterion.objects.create(
            round=round, name_fr="Réalisation", weight=1, scale_min=0, scale_max=20, step=1, order=2
        ),
    ]
    engine = import_module(settings.SESSION_ENGINE)
    # The backend that loads users (django-axes' backend, first in the list, only counts failures).
    backend = next(path for path in settings.AUTHENTICATION_BACKENDS if hasattr(import_string(path), "get_user"))
    juror_users = User.objects.bulk_create(
        User(email=f"juror{n:03d}@bench.invalid", full_name=f"Juré {n:03d}", password=unusable)
        for n in range(juror_count)
    )
    ContestRole.objects.bulk_create(
        ContestRole(contest=contest, user=juror, role=ContestRole.Role.JUROR) for juror in juror_users
    )
    RoundJuror.objects.bulk_create(RoundJuror(round=round, user=juror) for juror in juror_users)
    plan = {
        juror.pk: [entries[(n * ASSIGNMENTS_PER_JUROR + k) % ENTRIES] for k in range(ASSIGNMENTS_PER_JUROR)]
        for n, juror in enumerate(juror_users)
    }
    Assignment.objects.bulk_create(
        Assignment(round=round, juror=juror, entry=entry, manual=True)
        for juror in juror_users
        for entry in plan[juror.pk]
    )
    jurors = []
    for juror in juror_users:
        session = engine.SessionStore()
        session[SESSION_KEY] = str(juror.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = juror.get_session_auth_hash()
        session.save()
        jurors.append(
            {
                "email": juror.email,
                "session": session.session_key,
                "csrf": get_random_string(32),
                "queue": f"/c/{CONTEST}/jury/rounds/{round.pk}/",
                "assignments": [
                    {"code": entry.code, "criteria": [[c.pk, int(c.scale_min), int(c.scale_max)] for c in criteria]}
                    for entry in plan[juror.pk]
                ],
            }
        )
    return {
        "contest": CONTEST,
        "origin": origin,
        "released": [str(entry.public_id) for entry in entries[:RELEASED]],
        "jurors": jurors,
        "round": round.pk,
    }
