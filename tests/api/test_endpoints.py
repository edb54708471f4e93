"""What the API answers, exactly, and that its writes go through the services: same rules, same audit events."""

import json

import pytest

from api.models import ApiToken
from contest.models import AuditEvent, ContestRole
from judging.models import Award
from releases.models import ReleaseStep
from tests.factories import ContestRoleFactory, TeamMemberFactory

from .conftest import film, in_days

pytestmark = pytest.mark.django_db


def post(client, url, body=None, **headers):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json", headers=headers)


def test_entries_carry_the_state_of_their_current_film(world, django_assert_max_num_queries):
    replaced = film(world.entries[2], "rejected")
    replaced.replaced_at = in_days(-1)
    replaced.key = "originals/old.mp4"
    replaced.save()
    film(world.entries[2], "checking")
    with django_assert_max_num_queries(8):
        response = world.client("read").get(f"/api/contests/{world.contest.slug}/entries/")
    assert response.status_code == 200
    by_title = {entry["title"]: entry for entry in response.json()}
    assert {
        title: (entry["status"], entry["film"] and entry["film"]["state"]) for title, entry in by_title.items()
    } == {
        "Sans voix": ("submitted", "ready"),
        "Le silence": ("submitted", "transcoding"),
        "Après": ("submitted", "checking"),
        "Brouillon": ("draft", None),
    }
    assert by_title["Sans voix"]["team"]["name"] == world.entries[0].team.name
    only_drafts = world.client("read").get(f"/api/contests/{world.contest.slug}/entries/?status=draft").json()
    assert [entry["title"] for entry in only_drafts] == ["Brouillon"]


def test_results_are_the_results_page_figures(world):
    response = world.client("read").get(f"/api/contests/{world.contest.slug}/rounds/{world.round.pk}/results/")
    assert response.status_code == 200
    data = response.json()
    rows = [(row["entry"]["title"], row["rank"], row["n"], row["mean"], row["normalised"]) for row in data["entries"]]
    # Totals out of 100: Sans voix 100 and 75, Le silence 25 and 50; each juror's mean is 62.5, so z = ±1.
    assert rows == [("Sans voix", 1, 2, 87.5, 1.0), ("Le silence", 2, 2, 37.5, -1.0), ("Après", None, 0, None, None)]
    assert data["review_count"] == 4
    assert [(row["juror"]["email"], row["n"], row["mean"]) for row in data["jurors"]] == [
        ("juror@example.org", 2, 62.5),
        ("juror2@example.org", 2, 62.5),
    ]
    assert [
        (row["entry"]["title"], row["rank"], row["ranks"], row["agreeing_methods"], row["summary"])
        for row in data["robustness"]
    ] == [
        (
            "Sans voix",
            1,
            {"z_scores": 1, "mean": 1, "median": 1, "trimmed_mean": 1},
            4,
            "Sans voix is first by 4 methods of 4 and whichever juror is left out.",
        ),
        (
            "Le silence",
            2,
            {"z_scores": 2, "mean": 2, "median": 2, "trimmed_mean": 2},
            4,
            "Le silence is second by 4 methods of 4 and whichever juror is left out.",
        ),
    ]
    assert [(item["juror"]["email"], item["rank"]) for item in data["robustness"][1]["without"]] == [
        ("juror@example.org", 2),
        ("juror2@example.org", 2),
    ]


def test_scores_include_drafts_with_totals_only_when_complete(world):
    response = world.client("read").get(f"/api/contests/{world.contest.slug}/rounds/{world.round.pk}/scores/")
    rows = [
        (row["entry"]["title"], row["juror"]["email"], row["review_status"], row["total"]) for row in response.json()
    ]
    assert sorted(rows) == sorted(
        [
            ("Sans voix", "juror@example.org", "submitted", 100.0),
            ("Sans voix", "juror2@example.org", "submitted", 75.0),
            ("Le silence", "juror@example.org", "submitted", 25.0),
            ("Le silence", "juror2@example.org", "submitted", 50.0),
            ("Après", "juror@example.org", "draft", pytest.approx(100 * (2 * 0.5 + 0.4) / 3)),
        ]
    )
    assignments = world.client("read").get(f"/api/contests/{world.contest.slug}/rounds/{world.round.pk}/assignments/")
    assert {row["watched_share"] for row in assignments.json()} == {0.9}


def test_an_award_against_the_ranking_needs_a_reason_in_the_callers_language(world):
    url = f"/api/contests/{world.contest.slug}/awards/"
    body = {"prize": world.prizes[0].pk, "entry": world.entries[1].code}
    refused = post(world.client("awards"), url, body, **{"Accept-Language": "fr"})
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "reason_required",
        "detail": f"Le classement désigne {world.entries[0].code} pour ce prix. Expliquez pourquoi le jury en a décidé autrement.",
    }
    assert not Award.objects.filter(prize=world.prizes[0]).exists()
    accepted = post(world.client("awards"), url, {**body, "reason_if_not_ranking": "Unanimous jury."})
    assert accepted.status_code == 201
    assert accepted.json()["entry"]["code"] == world.entries[1].code
    assert accepted.json()["decided_by"] == "orga@example.org"
    event = AuditEvent.objects.filter(verb="award_recorded").latest("id")
    assert (event.actor, event.data["prize"], event.data["reason"]) == (
        world.organiser,
        world.prizes[0].pk,
        "Unanimous jury.",
    )
    removed = world.client("awards").delete(f"{url}{world.award.pk}/")
    assert removed.status_code == 204
    assert AuditEvent.objects.filter(verb="award_removed", actor=world.organiser).count() == 1


def test_release_writes_follow_the_release_rules(world, mailoutbox, django_capture_on_commit_callbacks):
    captain = TeamMemberFactory(team=world.entries[0].team).user
    base = f"/api/contests/{world.contest.slug}/releases/"
    client = world.client("all")
    created = post(client, base, {"entry": str(world.entries[0].public_id)})
    assert created.status_code == 201
    assert created.json()["in_force"] == {"announcement": [], "film": []}
    assert post(client, base, {"entry": str(world.entries[0].public_id)}).status_code == 200
    draft = post(client, base, {"entry": str(world.draft.public_id)})
    assert (draft.status_code, draft.json()["code"]) == (400, "entry_not_eligible")

    release = f"{base}{world.entries[0].public_id}/"
    with django_capture_on_commit_callbacks(execute=True):
        now_public = post(
            client, f"{release}steps/", {"target": "film", "at": in_days(-0.01).isoformat(), "audiences": ["public"]}
        )
    assert now_public.status_code == 201
    assert now_public.json()["needs_approval"] is True
    # The team has not approved: the film is not public, whatever the step says.
    assert client.get(release).json()["in_force"] == {"announcement": [], "film": []}
    assert [mail.to for mail in mailoutbox] == [[captain.email]]
    in_force = ReleaseStep.objects.get(pk=now_public.json()["id"])
    refused = post(client, f"{release}steps/{in_force.pk}/cancel/")
    assert (refused.status_code, refused.json()["code"]) == (400, "step_in_force")

    announcement = post(
        client,
        f"{release}steps/",
        {"target": "announcement", "at": in_days(-0.01).isoformat(), "audiences": ["jury", "public"]},
    )
    assert announcement.status_code == 201
    assert client.get(release).json()["in_force"]["announcement"] == ["jury", "public"]
    unpublished = post(client, f"{release}unpublish/")
    assert unpublished.json()["in_force"] == {"announcement": [], "film": []}
    verbs = list(
        AuditEvent.objects.filter(entry=world.entries[0], actor=world.organiser).values_list("verb", flat=True)
    )
    assert sorted(verbs) == sorted(
        ["release_created", "release_step_added", "release_step_added", "release_unpublished"]
    )


def test_a_step_time_without_an_offset_is_read_in_the_contest_zone(world):
    release = f"/api/contests/{world.contest.slug}/releases/{world.release.entry.public_id}/"
    response = post(
        world.client("releases"), f"{release}steps/", {"target": "film", "at": "2031-06-21T20:00:00", "audiences": []}
    )
    assert response.status_code == 201
    assert response.json()["at"] == "2031-06-21T18:00:00Z"  # Paris is UTC+2 in summer
    assert response.json()["audiences"] == ["organisers"]


def test_bad_input_answers_400_with_the_field_and_a_message(world):
    release = f"/api/contests/{world.contest.slug}/releases/{world.release.entry.public_id}/"
    response = post(
        world.client("releases"), f"{release}steps/", {"target": "poster", "at": "tomorrow", "audiences": ["press"]}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"target", "at", "audiences"}


def test_a_used_token_records_when_it_was_last_used(world):
    token = ApiToken.objects.get(label="read")
    assert token.last_used_at is None
    world.client("read").get("/api/contests/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_status_filter_outside_the_list_is_refused_and_a_read_only_endpoint_refuses_writes(world):
    client = world.client("all")
    response = client.get(f"/api/contests/{world.contest.slug}/entries/?status=winner")
    assert response.status_code == 400
    assert response.json() == {"status": ["Choose one of: draft, submitted, withdrawn, disqualified."]}
    assert post(client, f"/api/contests/{world.contest.slug}/entries/").status_code == 405
    assert post(world.client("read"), f"/api/contests/{world.contest.slug}/").status_code == 405
    assert world.client().post(f"/api/contests/{world.contest.slug}/").status_code == 401


def test_an_organiser_who_also_judges_sees_nothing_of_the_entries_they_are_in_conflict_with(world):
    from judging import services as judging_services

    ContestRoleFactory(contest=world.contest, user=world.organiser, role=ContestRole.Role.JUROR)
    judging_services.declare_conflict(
        contest=world.contest, juror=world.organiser, by=world.organiser, entry=world.entries[0]
    )
    round = f"/api/contests/{world.contest.slug}/rounds/{world.round.pk}/"
    client = world.client("read")
    for what in ("assignments", "scores"):
        titles = {row["entry"]["title"] for row in client.get(f"{round}{what}/").json()}
        assert titles == {"Le silence", "Après"}, what
    results = client.get(f"{round}results/").json()
    assert [row["entry"]["title"] for row in results["entries"]] == ["Le silence", "Après"]
    assert world.entries[0].code not in client.get(f"{round}results/").content.decode()
