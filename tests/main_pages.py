"""The main pages of the site on the demo contest (contest/demo.py), with who sees each. Shared by the header tests
(tests/config/test_csp.py) and the accessibility tests (tests/browser/test_accessibility.py)."""

from dataclasses import dataclass

from django.urls import reverse

from accounts.models import User
from contest.demo import DEMO_SLUG
from contest.models import Contest, Entry
from judging.models import Assignment
from releases.models import Release, ReleaseTemplate


@dataclass(frozen=True)
class MainPage:
    name: str
    email: str | None  # who looks at it (None: nobody logged in)
    path: str


def main_pages() -> list[MainPage]:
    contest = Contest.objects.get(slug=DEMO_SLUG)
    slug = {"contest_slug": contest.slug}
    draft = Entry.objects.get(contest=contest, title="Dire non")
    release = Release.objects.filter(contest=contest, entry__title="Sans voix").select_related("entry").get()
    juror = User.objects.get(email="juror1@example.org")
    assignment = Assignment.objects.filter(juror=juror).select_related("round", "entry").order_by("pk").first()
    pages = [
        MainPage("home", None, "/"),
        MainPage("login", None, reverse("login")),
        MainPage("contest", None, reverse("contest_detail", kwargs=slug)),
        MainPage("palmares", None, reverse("releases:palmares", kwargs=slug)),
        MainPage("film list", None, reverse("releases:film_list", kwargs=slug)),
        MainPage("team dashboard", "team3@example.org", reverse("team_dashboard", kwargs=slug)),
        MainPage("entry form", "team3@example.org", reverse("entry_create", kwargs=slug)),
        MainPage(
            "upload page",
            "team3@example.org",
            reverse("entry_detail", kwargs={**slug, "public_id": draft.public_id}),
        ),
        MainPage(
            "juror queue", "juror1@example.org", reverse("jury_queue", kwargs={**slug, "round_id": assignment.round_id})
        ),
        MainPage(
            "juror score page",
            "juror1@example.org",
            reverse("jury_entry", kwargs={**slug, "round_id": assignment.round_id, "code": assignment.entry.code}),
        ),
        MainPage("organiser dashboard", "organiser@example.org", reverse("organiser_dashboard", kwargs=slug)),
        MainPage("judging dashboard", "organiser@example.org", reverse("judging_dashboard", kwargs=slug)),
        MainPage("two-factor settings", "organiser@example.org", reverse("two_factor")),
        MainPage("personal data", "organiser@example.org", reverse("personal_data", kwargs=slug)),
        MainPage("register a team", None, reverse("register_team", kwargs=slug)),
        MainPage("new consent link", None, reverse("consent_new_link", kwargs=slug)),
        MainPage("password reset", None, reverse("password_reset")),
        MainPage("juror conflicts", "juror1@example.org", reverse("jury_conflicts", kwargs=slug)),
        MainPage(
            "organiser entry",
            "organiser@example.org",
            reverse("organiser_entry", kwargs={**slug, "public_id": draft.public_id}),
        ),
        MainPage(
            "judging round",
            "organiser@example.org",
            reverse("judging_round", kwargs={**slug, "round_id": assignment.round_id}),
        ),
        MainPage(
            "judging results",
            "organiser@example.org",
            reverse("judging_results", kwargs={**slug, "round_id": assignment.round_id}),
        ),
        MainPage(
            "assignments from a file",
            "organiser@example.org",
            reverse("judging_assignment_import", kwargs={**slug, "round_id": assignment.round_id}),
        ),
        MainPage("write to a group", "organiser@example.org", reverse("organiser_messages", kwargs=slug)),
        MainPage("awards", "organiser@example.org", reverse("judging_awards", kwargs=slug)),
        MainPage("release calendar", "organiser@example.org", reverse("releases:organiser_calendar", kwargs=slug)),
        MainPage("release templates", "organiser@example.org", reverse("releases:organiser_templates", kwargs=slug)),
        MainPage("media pipeline", "organiser@example.org", reverse("media_pipeline:pipeline", kwargs=slug)),
        MainPage("trace a leak", "organiser@example.org", reverse("media_pipeline:traces", kwargs=slug)),
    ]
    if release is not None:
        film = {**slug, "public_id": release.entry.public_id}
        pages += [
            MainPage("announcement", None, reverse("releases:announcement", kwargs=film)),
            MainPage("film page", "team1@example.org", reverse("releases:film", kwargs=film)),
            MainPage("team release", "team1@example.org", reverse("releases:team_release", kwargs=film)),
            MainPage("organiser release", "organiser@example.org", reverse("releases:organiser_release", kwargs=film)),
        ]
    template = ReleaseTemplate.objects.filter(contest=contest).first()
    if template is not None:
        pages.append(
            MainPage(
                "release template",
                "organiser@example.org",
                reverse("releases:organiser_template", kwargs={**slug, "template_id": template.pk}),
            )
        )
    return pages
