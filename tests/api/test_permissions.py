"""The permission matrix: every endpoint × every kind of caller. Only the contest's organiser, with a live token
that has the scope, gets in; a missing, malformed, unknown or revoked token is 401; a missing scope is 403; anyone
else (another contest's organiser, a juror, a slug that does not exist) gets the same 404."""

import json

import pytest

from contest.models import AuditEvent
from judging.models import Award
from releases.models import Release, ReleaseStep

from .conftest import in_days

pytestmark = pytest.mark.django_db


def endpoints(world):
    """(method, url, body, scope, status for the organiser with that scope)."""
    contest = f"/api/contests/{world.contest.slug}/"
    round = f"{contest}rounds/{world.round.pk}/"
    release = f"{contest}releases/{world.release.entry.public_id}/"
    at = in_days(3).isoformat()
    return [
        ("get", contest, None, "read", 200),
        ("get", f"{contest}entries/", None, "read", 200),
        ("get", f"{contest}entries/{world.entries[0].public_id}/", None, "read", 200),
        ("get", f"{contest}rounds/", None, "read", 200),
        ("get", f"{round}assignments/", None, "read", 200),
        ("get", f"{round}scores/", None, "read", 200),
        ("get", f"{round}results/", None, "read", 200),
        ("get", f"{contest}awards/", None, "read", 200),
        ("get", f"{contest}awards/{world.award.pk}/", None, "read", 200),
        (
            "post",
            f"{contest}awards/",
            {"prize": world.prizes[0].pk, "entry": world.entries[0].code},
            "awards:write",
            201,
        ),
        ("delete", f"{contest}awards/{world.award.pk}/", None, "awards:write", 204),
        ("get", f"{contest}releases/", None, "read", 200),
        ("get", release, None, "read", 200),
        ("post", f"{contest}releases/", {"entry": str(world.entries[0].public_id)}, "releases:write", 201),
        (
            "post",
            f"{release}steps/",
            {"target": "film", "at": at, "audiences": ["jury"]},
            "releases:write",
            201,
        ),
        ("post", f"{release}steps/{world.step.pk}/cancel/", None, "releases:write", 200),
        ("post", f"{release}unpublish/", None, "releases:write", 200),
    ]


# A token that has every scope but the one the endpoint needs.
WRONG_SCOPE = {"read": "awards", "awards:write": "releases", "releases:write": "read"}


def call(client, method, url, body):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def state(world) -> tuple:
    """Everything a refused call must leave untouched."""
    return (
        AuditEvent.objects.count(),
        sorted(Award.objects.values_list("prize_id", "entry_id")),
        Release.objects.count(),
        sorted(ReleaseStep.objects.values_list("pk", "cancelled_at")),
    )


CALLERS = ["no_token", "other_scheme", "malformed", "unknown", "revoked", "inactive", "session", "wrong_scope"]


@pytest.mark.parametrize("caller", CALLERS + ["other_organiser", "juror", "missing_contest"])
def test_only_the_contests_organiser_with_the_scope_gets_in(world, caller):
    expected_status = {
        "no_token": 401,
        "other_scheme": 401,
        "malformed": 401,
        "unknown": 401,
        "revoked": 401,
        "inactive": 401,
        "session": 401,
        "wrong_scope": 403,
        "other_organiser": 404,
        "juror": 404,
        "missing_contest": 404,
    }[caller]
    before = state(world)
    for method, url, body, scope, _ok in endpoints(world):
        if caller == "no_token":
            client = world.client()
        elif caller == "other_scheme":
            client = world.client(Authorization=f"Basic {world.tokens['all']}")
        elif caller == "malformed":
            client = world.client(Authorization=f"Bearer {world.tokens['all']} extra")
        elif caller == "unknown":
            client = world.client("plm_" + "x" * 43)
        elif caller == "revoked":
            client = world.client("revoked")
        elif caller == "inactive":
            world.organiser.is_active = False
            world.organiser.save()
            client = world.client("all")
        elif caller == "session":
            client = world.client()
            client.force_login(world.organiser)
        elif caller == "wrong_scope":
            client = world.client(WRONG_SCOPE[scope])
        elif caller == "missing_contest":
            client = world.client("all")
            url = url.replace(f"/{world.contest.slug}/", "/no-such-contest/")
        else:
            client = world.client(caller)
        response = call(client, method, url, body)
        assert response.status_code == expected_status, (caller, method, url, response.content)
        assert response["Content-Type"] == "application/json"
        if expected_status == 401:
            assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        if expected_status == 404:
            assert response.json() == {"detail": "Not found."}
    assert state(world) == before


def test_a_hidden_contest_answers_exactly_like_a_missing_one(world):
    """Nobody learns from the API that a contest they do not organise exists."""
    client = world.client("other_organiser")
    hidden = client.get(f"/api/contests/{world.contest.slug}/entries/")
    missing = client.get("/api/contests/no-such-contest/entries/")
    assert (hidden.status_code, hidden.content) == (missing.status_code, missing.content)
    assert "action-vss" not in hidden.content.decode()


@pytest.mark.parametrize("index", range(17))
def test_the_organiser_with_the_scope_gets_the_expected_answer(world, index):
    method, url, body, scope, expected = endpoints(world)[index]
    token = "all" if index % 2 else {"read": "read", "awards:write": "awards", "releases:write": "releases"}[scope]
    response = call(world.client(token), method, url, body)
    assert response.status_code == expected, response.content


def test_the_contest_list_shows_only_the_contests_the_owner_organises(world):
    assert [c["slug"] for c in world.client("all").get("/api/contests/").json()] == ["action-vss"]
    assert [c["slug"] for c in world.client("other_organiser").get("/api/contests/").json()] == ["autre-concours"]
    assert [c["slug"] for c in world.client("juror").get("/api/contests/").json()] == ["autre-concours"]
    assert world.client("awards").get("/api/contests/").status_code == 403
    assert world.client().get("/api/contests/").status_code == 401


def test_objects_of_another_contest_are_not_reached_through_this_one(world):
    """An award or a release step id that exists, but elsewhere, answers 404 like any unknown id."""
    from judging import services as judging_services
    from releases import services as release_services
    from tests.factories import PrizeFactory
    from tests.judging.factories import submitted_entry

    prize = PrizeFactory(contest=world.other_contest)
    entry = submitted_entry(world.other_contest)
    award = judging_services.record_award(prize=prize, entry=entry, by=world.other_organiser)
    release = release_services.ensure_release(entry=entry, by=world.other_organiser)
    step = release_services.add_step(
        release=release, target="film", at=in_days(5), audiences=["jury"], by=world.other_organiser
    )
    client = world.client("all")
    base = f"/api/contests/{world.contest.slug}/"
    assert client.get(f"{base}awards/{award.pk}/").status_code == 404
    assert client.delete(f"{base}awards/{award.pk}/").status_code == 404
    assert client.get(f"{base}releases/{entry.public_id}/").status_code == 404
    own = f"{base}releases/{world.release.entry.public_id}/"
    assert client.post(f"{own}steps/{step.pk}/cancel/").status_code == 404
    assert client.get(f"{base}entries/{entry.public_id}/").status_code == 404
    response = call(client, "post", f"{base}awards/", {"prize": prize.pk, "entry": entry.code})
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_prize"
    assert Award.objects.filter(pk=award.pk).exists()
    assert ReleaseStep.objects.get(pk=step.pk).cancelled_at is None
