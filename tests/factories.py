"""factory-boy factories. Contests are open by default: from a day ago to a week ahead."""

from datetime import timedelta

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.models import User
from contest.models import ContentWarning, Contest, ContestRole, Entry, Institution, Prize, Team, TeamMember
from media_pipeline.models import Screener

PASSWORD = "palmares-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    preferred_language = "en"
    email_verified_at = factory.LazyFunction(timezone.now)  # invited people proved their address
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Lycée numéro {n}")


class ContestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contest

    slug = factory.Sequence(lambda n: f"contest-{n}")
    title_fr = factory.Sequence(lambda n: f"Concours {n}")
    title_en = factory.Sequence(lambda n: f"Contest {n}")
    time_zone = "Europe/Paris"
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    min_resolution_px = 360
    min_duration_s = 1


class ContestRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContestRole

    contest = factory.SubFactory(ContestFactory)
    user = factory.SubFactory(UserFactory)
    role = ContestRole.Role.ORGANISER


class ContentWarningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContentWarning

    contest = factory.SubFactory(ContestFactory)
    code = factory.Sequence(lambda n: f"warning_{n}")
    name_fr = factory.Sequence(lambda n: f"Avertissement {n}")
    name_en = factory.Sequence(lambda n: f"Warning {n}")


class PrizeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prize

    contest = factory.SubFactory(ContestFactory)
    name_fr = factory.Sequence(lambda n: f"Prix {n}")
    name_en = factory.Sequence(lambda n: f"Prize {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    contest = factory.SubFactory(ContestFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    institution = factory.SubFactory(InstitutionFactory)
    approval = Team.Approval.APPROVED  # registered or approved by the organisers; self-registration starts pending


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = TeamMember.Role.CAPTAIN


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    team = factory.SubFactory(TeamFactory)
    contest = factory.SelfAttribute("team.contest")
    title = factory.Sequence(lambda n: f"Film {n}")
    synopsis_fr = "Une histoire."
    synopsis_en = "A story."


def ready_entry(**kwargs) -> Entry:
    """A draft that satisfies every submission rule."""
    defaults = dict(film_accepted=True, consent_on_screen=True, rights_cleared=True, rules_accepted=True)
    return EntryFactory(**{**defaults, **kwargs})


def team_with_member(**kwargs) -> tuple[Team, User]:
    team = TeamFactory(**kwargs)
    user = UserFactory()
    TeamMemberFactory(team=team, user=user)
    return team, user


def stored_screener(film, *, lines=(360, 180), segments=3, marked=True):
    """A ready screener of `film` whose stored segments are stand-ins (a few bytes naming themselves): for what
    serving a screener decides (who, which variant, which address), not for pictures (test_screeners.py makes
    real ones)."""
    screener = Screener(film=film, state=Screener.State.READY, marked=marked, ready_at=timezone.now())
    screener.rungs = [
        {
            "lines": size,
            "width": size * 16 // 9,
            "height": size,
            "max_rate": 900_000,
            "size": 1000,
            "codec": "avc1.4d401e",
            "segments": [1.0] * segments,
        }
        for size in lines
    ]
    screener.audio_segments = [1.0] * segments
    for key in screener.stored_keys():
        default_storage.save(key, ContentFile(key.encode()))
    screener.save()
    return screener
