"""The contest's rows of the demo of `make run` (demo.services.load_demo loads them, then the other apps' rows):
« ACTION contre les VSS ». Fictional teams and people; fixed demo logins.

The story, as in the seed case: submissions closed (films of 1 to 15 minutes, the rule the checks apply), both
judging rounds closed, the prizes awarded and the palmarès announced publicly; « Sans voix » (first prize) is shown
to the campus community until its public showing, « Le Silence des couloirs » (audience award) is public already.

Idempotent: running it again changes nothing that exists. Never runs in production (the password is public)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import ContentWarning, Contest, ContestRole, Entry, Institution, Prize, SupportResource, Team, TeamMember
from .services import record_event

# How long each demo film lasts (media_pipeline.demo makes them): within the rule of 1 to 15 minutes, short to make.
DEMO_RUNTIMES = {"Sans voix": 60, "Le Silence des couloirs": 70, "Derrière l'écran": 80}

DEMO_PASSWORD = "palmares-demo"  # noqa: S105 -- public by design; never loaded in production
DEMO_SLUG = "action-vss"

INSTITUTIONS = ["Lycée Olympe de Gouges", "Lycée Simone Veil", "Campus des Arts Gisèle Halimi"]
TEAMS = [
    # (captain email, team name, institution index, captain name)
    ("team1@example.org", "Les Voix du Lycée", 0, "Camille Martin"),
    ("team2@example.org", "Plan Séquence", 0, "Yanis Bernard"),
    ("team3@example.org", "Contrechamp", 1, "Inès Moreau"),
    ("team4@example.org", "Atelier 24 images", 2, "Léo Dubois"),
]
ENTRIES = [
    # (team index, title, status, film accepted, synopsis fr, synopsis en, warnings)
    (
        0,
        "Sans voix",
        Entry.Status.SUBMITTED,
        True,
        "Après une soirée, Léa ne parle plus. Ses amies cherchent les mots qu'elle n'arrive pas à dire.",
        "After a party, Léa stops speaking. Her friends look for the words she cannot say.",
        ["sexual_violence"],
    ),
    (
        1,
        "Le Silence des couloirs",
        Entry.Status.SUBMITTED,
        True,
        "Une rumeur circule dans un lycée. Trois élèves décident de ne plus se taire.",
        "A rumour spreads through a school. Three students decide to stop keeping quiet.",
        ["harassment"],
    ),
    (
        2,
        "Dire non",
        Entry.Status.DRAFT,
        False,
        "Un court métrage sur le consentement, tourné en une nuit.",
        "",
        [],
    ),
    (
        3,
        "Derrière l'écran",
        Entry.Status.SUBMITTED,
        True,
        "Le cyberharcèlement vu depuis les deux côtés de l'écran.",
        "Cyberbullying seen from both sides of the screen.",
        ["harassment", "self_harm"],
    ),
    (
        3,
        "Premier essai",
        Entry.Status.WITHDRAWN,
        False,
        "Une première version, retirée par l'équipe.",
        "",
        [],
    ),
]


def _user(email: str, full_name: str, *, staff: bool = False) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "full_name": full_name,
            "is_staff": staff,
            "is_superuser": staff,
            "email_verified_at": timezone.now(),
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


@transaction.atomic
def load_contest_demo() -> Contest:
    """The demo contest, its institutions, warnings, support lines, prizes, people, teams and entries."""
    now = timezone.now()
    contest, _ = Contest.objects.get_or_create(
        slug=DEMO_SLUG,
        defaults={
            "title_fr": "ACTION contre les VSS",
            "title_en": "ACTION against sexual and gender-based violence",
            "description_fr": (
                "Concours de courts métrages lycéens et étudiants contre les violences sexistes et sexuelles. "
                "Films de 1 à 15 minutes."
            ),
            "description_en": (
                "A short-film contest for high-school and university students against sexual and gender-based "
                "violence. Films of 1 to 15 minutes."
            ),
            "time_zone": "Europe/Paris",
            # Closed before the pre-selection round opened (judging.demo): the palmarès judges the final films.
            "opens_at": now - timedelta(days=45),
            "closes_at": now - timedelta(days=13),
            "max_duration_s": 15 * 60,
            "min_duration_s": 60,
            "min_resolution_px": 360,
            "max_synopsis_chars": 1200,
        },
    )
    institutions = [Institution.objects.get_or_create(name=name)[0] for name in INSTITUTIONS]
    contest.institutions.add(*institutions)

    for code, name_fr, name_en in [
        ("sexual_violence", "Violences sexuelles", "Sexual violence"),
        ("self_harm", "Automutilation, suicide", "Self-harm, suicide"),
        ("harassment", "Harcèlement", "Harassment"),
    ]:
        ContentWarning.objects.get_or_create(
            contest=contest, code=code, defaults={"name_fr": name_fr, "name_en": name_en}
        )
    for order, (name, phone, url, description_fr, description_en) in enumerate(
        [
            (
                "3919 — Violences Femmes Info",
                "3919",
                "https://arretonslesviolences.gouv.fr",
                "Écoute anonyme et gratuite, 24 h/24.",
                "Free, anonymous helpline, 24/7.",
            ),
            ("119 — Allô Enfance en Danger", "119", "https://www.allo119.gouv.fr", "Pour les mineurs.", "For minors."),
            ("3114 — Prévention du suicide", "3114", "https://3114.fr", "24 h/24, 7 j/7.", "24/7."),
        ]
    ):
        SupportResource.objects.get_or_create(
            contest=contest,
            name=name,
            defaults={
                "phone": phone,
                "url": url,
                "description_fr": description_fr,
                "description_en": description_en,
                "order": order,
            },
        )
    for order, (name_fr, name_en) in enumerate(
        [
            ("Premier prix", "First prize"),
            ("Prix du public", "Audience award"),
            ("Prix du jury lycéen", "Student jury award"),
        ]
    ):
        Prize.objects.get_or_create(contest=contest, name_fr=name_fr, defaults={"name_en": name_en, "order": order})

    organiser = _user("organiser@example.org", "Nadia Organisatrice", staff=True)
    ContestRole.objects.get_or_create(contest=contest, user=organiser, role=ContestRole.Role.ORGANISER)
    for number in range(1, 4):
        juror = _user(f"juror{number}@example.org", f"Juré·e {number}")
        ContestRole.objects.get_or_create(
            contest=contest,
            user=juror,
            role=ContestRole.Role.JUROR,
            defaults={"institution": institutions[2] if number == 3 else None},
        )

    teams = []
    for email, name, institution_index, captain_name in TEAMS:
        captain = _user(email, captain_name)
        team, _ = Team.objects.get_or_create(
            contest=contest,
            name=name,
            defaults={"institution": institutions[institution_index], "approval": Team.Approval.APPROVED},
        )
        TeamMember.objects.get_or_create(team=team, user=captain, defaults={"role": TeamMember.Role.CAPTAIN})
        teams.append(team)

    warnings = {warning.code: warning for warning in contest.content_warnings.all()}
    for team_index, title, status, film_accepted, synopsis_fr, synopsis_en, warning_codes in ENTRIES:
        team = teams[team_index]
        entry, created = Entry.objects.get_or_create(
            contest=contest,
            team=team,
            title=title,
            defaults={
                "synopsis_fr": synopsis_fr,
                "synopsis_en": synopsis_en,
                "status": status,
                "film_accepted": film_accepted,
                "consent_on_screen": status != Entry.Status.DRAFT,
                "rights_cleared": status != Entry.Status.DRAFT,
                "rules_accepted": status != Entry.Status.DRAFT,
                "submitted_at": now - timedelta(days=14) if status == Entry.Status.SUBMITTED else None,
                "language": "français",
                "runtime_s": DEMO_RUNTIMES.get(title, 60),
                "credits": f"Réalisation : {team.memberships.first().user.full_name}",
            },
        )
        if created:
            entry.content_warnings.set([warnings[code] for code in warning_codes])
            record_event(verb="entry_created", actor=None, contest=contest, entry=entry, title=title, demo=True)
            if status != Entry.Status.DRAFT:
                record_event(verb=f"entry_{status}", actor=None, contest=contest, entry=entry, demo=True)
    return contest


DEMO_LOGINS = (
    [("organiser@example.org", "organiser")]
    + [(f"juror{n}@example.org", "juror") for n in range(1, 4)]
    + [(email, f"team « {name} »") for email, name, _, _ in TEAMS]
)
