"""Personal data: an organiser exports what the contest holds about a person, and erases a withdrawn team's data and
files (storage objects included) after the close, keeping anonymised scores; the retention period is a setting."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from accounts.models import User
from contest.invitations import invite
from contest.models import AuditEvent, ConsentRecord, ContestRole, Entry, Invitation, PersonOnScreen, Team, TeamMember
from judging.models import Review, Score
from media_pipeline.models import Film, Rendition, SegmentDelivery, Upload, ViewingSession
from privacy.models import Erasure
from privacy.services import PersonalDataError, erase_due_teams, erase_team, export_person
from releases.models import Release
from tests.factories import (
    ContestFactory,
    ContestRoleFactory,
    EntryFactory,
    TeamMemberFactory,
    UserFactory,
    stored_screener,
)
from tests.judging.factories import CriterionFactory, RoundFactory, assign, seated_juror

pytestmark = pytest.mark.django_db

CLOSE = datetime(2026, 3, 1, 18, 0, tzinfo=UTC)


def _world(s3=None):
    """A closed contest; team A withdrew its only entry (film, renditions, poster, scores); team B submitted."""
    contest = ContestFactory(opens_at=CLOSE - timedelta(days=30), closes_at=CLOSE)
    organiser = ContestRoleFactory(contest=contest).user
    withdrawn = EntryFactory(
        team__contest=contest,
        team__name="Les Voix du Lycée",
        title="Sans voix",
        credits="Réalisation : Camille Martin",
        status=Entry.Status.WITHDRAWN,
    )
    team = withdrawn.team
    captain = UserFactory(email="camille@example.org", full_name="Camille Martin")
    TeamMemberFactory(team=team, user=captain, job="réalisatrice")
    also_juror = UserFactory(email="yanis@example.org")
    TeamMemberFactory(team=team, user=also_juror, role=TeamMember.Role.MEMBER)
    ContestRoleFactory(contest=contest, user=also_juror, role=ContestRole.Role.JUROR)
    kept = EntryFactory(team__contest=contest, title="Derrière l'écran", status=Entry.Status.SUBMITTED)
    keys = {
        "film": f"uploads/{withdrawn.code}-film.mp4",
        "proxy": f"renditions/{withdrawn.code}-proxy.mp4",
        "poster": f"renditions/{withdrawn.code}-poster.jpg",
        "other": f"uploads/{kept.code}-film.mp4",
        "open": f"uploads/{withdrawn.code}-open.mp4",
    }
    upload_id = ""
    if s3 is not None:
        for key in ("film", "proxy", "poster", "other"):
            s3.put_object(Bucket=_bucket(s3), Key=keys[key], Body=b"x" * 64)
        upload_id = s3.create_multipart_upload(Bucket=_bucket(s3), Key=keys["open"])["UploadId"]
    film = Film.objects.create(
        entry=withdrawn,
        key=keys["film"],
        original_name="sans-voix-camille.mp4",
        size=64,
        checksum="x",
        uploaded_by=captain,
    )
    Rendition.objects.create(film=film, kind=Rendition.Kind.PROXY, key=keys["proxy"], content_type="video/mp4")
    Film.objects.create(entry=kept, key=keys["other"], original_name="other.mp4", size=64, checksum="y")
    Upload.objects.create(
        entry=withdrawn,
        key=keys["open"],
        storage_upload_id=upload_id,
        original_name="v2.mp4",
        declared_size=64,
        part_size=64,
        content_type="video/mp4",
    )
    Release.objects.create(contest=contest, entry=withdrawn, poster_key=keys["poster"])
    round_ = RoundFactory(contest=contest)
    criterion = CriterionFactory(round=round_)
    juror = seated_juror(round_, email="juror@example.org")
    assignment = assign(round_, juror, withdrawn)
    Score.objects.create(assignment=assignment, criterion=criterion, value=Decimal("4.00"))
    Review.objects.create(
        assignment=assignment, private_comment="Camille joue très bien.", team_feedback="Bravo Camille"
    )
    invite(contest=contest, email="late@example.org", kind="team_member", team=team, by=captain)
    AuditEvent.objects.create(
        contest=contest, entry=withdrawn, actor=captain, verb="entry_updated", data={"title": "Sans voix"}
    )
    return contest, organiser, team, withdrawn, captain, also_juror, juror, keys


def _bucket(s3) -> str:
    return s3.list_buckets()["Buckets"][-1]["Name"]


def _stored_keys(s3) -> set[str]:
    return {item["Key"] for item in s3.list_objects_v2(Bucket=_bucket(s3)).get("Contents", [])}


def test_erasing_a_withdrawn_team_deletes_its_files_in_storage_and_keeps_anonymised_scores(
    s3, settings, django_capture_on_commit_callbacks
):
    contest, organiser, team, entry, captain, also_juror, juror, keys = _world(s3)
    assert _stored_keys(s3) == {keys["film"], keys["proxy"], keys["poster"], keys["other"]}
    with django_capture_on_commit_callbacks(execute=True):
        report = erase_team(team=team, by=organiser, now=CLOSE + timedelta(seconds=1))
    assert _stored_keys(s3) == {keys["other"]}
    assert s3.list_multipart_uploads(Bucket=_bucket(s3)).get("Uploads", []) == []
    assert report.entries == 1 and report.films == 1 and report.storage_objects == 4 and report.scores_kept == 1
    entry.refresh_from_db()
    team.refresh_from_db()
    assert entry.title == f"Erased entry {entry.code}"
    assert (entry.synopsis_fr, entry.synopsis_en, entry.credits) == ("", "", "")
    assert team.name == f"Erased team {team.pk}"
    assert list(Score.objects.filter(assignment__entry=entry).values_list("value", flat=True)) == [Decimal("4.00")]
    review = Review.objects.get(assignment__entry=entry)
    assert (review.private_comment, review.team_feedback) == ("", "")
    assert not Film.objects.filter(entry=entry).exists()
    assert Rendition.objects.count() == 0
    assert not Upload.objects.filter(entry=entry).exists()
    assert not Release.objects.filter(entry=entry).exists()
    assert not TeamMember.objects.filter(team=team).exists()
    assert not Invitation.objects.filter(team=team).exists()
    assert not User.objects.filter(email="camille@example.org").exists()  # no other role: the account goes
    assert User.objects.filter(email="yanis@example.org").exists()  # still a juror of the contest
    assert AuditEvent.objects.get(entry=entry, verb="entry_updated").data == {}
    leftovers = json.dumps(list(AuditEvent.objects.values("data")), ensure_ascii=False, default=str)
    assert "Sans voix" not in leftovers and "camille" not in leftovers.lower() and "late@example.org" not in leftovers
    assert Erasure.objects.get(team=team).erased_by == organiser
    assert Entry.objects.get(title="Derrière l'écran").status == "submitted"


@pytest.mark.parametrize(
    ("seconds", "allowed"),
    [(-1, False), (0, False), (1, True)],
)
def test_a_team_can_be_erased_only_once_its_submissions_are_closed(seconds, allowed):
    contest, organiser, team, *_ = _world()
    if allowed:
        erase_team(team=team, by=organiser, now=CLOSE + timedelta(seconds=seconds))
        assert Erasure.objects.filter(team=team).exists()
    else:
        with pytest.raises(PersonalDataError) as error:
            erase_team(team=team, by=organiser, now=CLOSE + timedelta(seconds=seconds))
        assert error.value.code == "contest_open"
        assert Team.objects.get(pk=team.pk).name == "Les Voix du Lycée"


def test_an_extension_moves_the_earliest_erasure(settings):
    contest, organiser, team, *_ = _world()
    team.deadline_extended_to = CLOSE + timedelta(days=2)
    team.save()
    with pytest.raises(PersonalDataError) as error:
        erase_team(team=team, by=organiser, now=CLOSE + timedelta(days=1))
    assert error.value.code == "contest_open"


def test_a_team_with_an_entry_still_in_the_contest_or_already_erased_is_refused():
    contest, organiser, team, entry, *_ = _world()
    EntryFactory(team=team, status=Entry.Status.SUBMITTED)
    with pytest.raises(PersonalDataError) as error:
        erase_team(team=team, by=organiser, now=CLOSE + timedelta(days=1))
    assert error.value.code == "not_withdrawn"
    team.entries.update(status=Entry.Status.WITHDRAWN)
    erase_team(team=team, by=organiser, now=CLOSE + timedelta(days=1))
    with pytest.raises(PersonalDataError) as error:
        erase_team(team=team, by=organiser, now=CLOSE + timedelta(days=1))
    assert error.value.code == "already_erased"
    assert str(error.value.message) == "This team's data was already erased."


def test_the_retention_period_is_a_setting_and_the_beat_task_erases_when_it_ends(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    contest, organiser, team, *_ = _world()
    assert erase_due_teams(now=CLOSE + timedelta(days=30) - timedelta(seconds=1)) == 0
    assert not Erasure.objects.exists()
    assert erase_due_teams(now=CLOSE + timedelta(days=30, seconds=1)) == 1
    assert Erasure.objects.get().team == team
    assert Erasure.objects.get().erased_by is None
    assert erase_due_teams(now=CLOSE + timedelta(days=31)) == 0  # once


def test_the_export_holds_what_the_contest_knows_about_a_team_member_and_nothing_of_other_contests():
    contest, organiser, team, entry, captain, *_ = _world()
    elsewhere = EntryFactory(title="Autre concours")
    TeamMemberFactory(team=elsewhere.team, user=captain)
    data = export_person(contest=contest, person=captain, by=organiser)
    assert data["account"]["email"] == "camille@example.org"
    assert data["account"]["full_name"] == "Camille Martin"
    assert data["teams"] == [
        {
            "name": "Les Voix du Lycée",
            "institution": team.institution.name,
            "role": "captain",
            "role_in_the_film": "réalisatrice",
            "created_at": team.created_at.isoformat(),
        }
    ]
    assert [e["title"] for e in data["entries"]] == ["Sans voix"]
    assert data["entries"][0]["credits"] == "Réalisation : Camille Martin"
    assert data["films"][0]["original_name"] == "sans-voix-camille.mp4"
    assert data["films"][0]["uploaded_by_this_person"] is True
    assert [(a["verb"], a["data"]) for a in data["activity"]] == [
        ("invitation_sent", {"kind": "team_member", "team": team.pk, "email": "late@example.org"}),
        ("entry_updated", {"title": "Sans voix"}),
    ]
    assert "Autre concours" not in json.dumps(data, ensure_ascii=False)
    assert (
        AuditEvent.objects.filter(verb="personal_data_exported", actor=organiser, data__person=captain.pk).count() == 1
    )


def test_the_export_of_a_juror_holds_their_scores_and_comments():
    contest, organiser, team, entry, captain, also_juror, juror, keys = _world()
    data = export_person(contest=contest, person=juror, by=organiser)
    assert data["roles"] == [{"role": "juror", "institution": None}]
    review = data["jury"]["reviews"][0]
    assert (review["entry"], review["comment_for_the_jury"], review["scores"][0]["value"]) == (
        entry.code,
        "Camille joue très bien.",
        "4.00",
    )


def test_the_export_holds_the_persons_viewings_and_erasure_deletes_the_screeners_files(
    django_capture_on_commit_callbacks,
):
    contest, organiser, team, entry, captain, also_juror, juror, keys = _world()
    film = Film.objects.get(entry=entry)
    screener = stored_screener(film, lines=(180,), segments=2)
    viewing = ViewingSession.objects.create(
        film=film,
        kind="juror",
        user=juror,
        token_hash="1" * 64,
        browser_hash="b",
        user_agent="Firefox/140",
        expires_at=CLOSE,
        started_at=CLOSE - timedelta(days=2),
    )
    SegmentDelivery.objects.create(session=viewing, segment=0)
    data = export_person(contest=contest, person=juror, by=organiser)
    assert data["viewings"] == [
        {
            "entry": entry.code,
            "as": "juror",
            "started_at": (CLOSE - timedelta(days=2)).isoformat(),
            "browser": "Firefox/140",
            "seconds_delivered": 1,
        }
    ]
    assert export_person(contest=contest, person=captain, by=organiser)["viewings"] == []
    with django_capture_on_commit_callbacks(execute=True):
        erase_team(team=team, by=organiser, now=CLOSE + timedelta(days=1))
    assert not ViewingSession.objects.exists()  # the films' viewings go with them
    assert not any(default_storage.exists(key) for key in screener.stored_keys())


def test_organisers_download_the_export_as_json_and_others_get_404(client):
    contest, organiser, team, entry, captain, *_ = _world()
    url = reverse("personal_data_export", kwargs={"contest_slug": contest.slug, "user_id": captain.pk})
    client.force_login(organiser)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="personal-data-{contest.slug}-{captain.pk}.json"'
    assert json.loads(response.content)["account"]["email"] == "camille@example.org"
    stranger = UserFactory()
    assert (
        client.get(
            reverse("personal_data_export", kwargs={"contest_slug": contest.slug, "user_id": stranger.pk})
        ).status_code
        == 404
    )
    other_organiser = ContestRoleFactory().user
    for user in (captain, other_organiser):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("personal_data", kwargs={"contest_slug": contest.slug})).status_code == 404
        erase = reverse("personal_data_erase", kwargs={"contest_slug": contest.slug, "team_id": team.pk})
        assert client.post(erase, {"confirm": "yes"}).status_code == 404
        confirm = reverse("personal_data_erase_confirm", kwargs={"contest_slug": contest.slug, "team_id": team.pk})
        assert client.get(confirm).status_code == 404
    assert not Erasure.objects.exists()


def test_the_organiser_page_erases_after_confirmation(client, time_machine, django_capture_on_commit_callbacks):
    contest, organiser, team, *_ = _world()
    time_machine.move_to(CLOSE + timedelta(hours=1), tick=False)
    client.force_login(organiser)
    page = client.get(reverse("personal_data", kwargs={"contest_slug": contest.slug})).content.decode()
    assert "Les Voix du Lycée" in page and "Erase now" in page
    erase = reverse("personal_data_erase", kwargs={"contest_slug": contest.slug, "team_id": team.pk})
    confirm = reverse("personal_data_erase_confirm", kwargs={"contest_slug": contest.slug, "team_id": team.pk})
    assert f'action="{erase}"' not in page  # the page's button is a link to the confirmation
    assert f'<a class="button danger" href="{confirm}">Erase now…</a>' in page
    confirmation = client.get(confirm).content.decode()
    assert '<h1 id="confirm-heading">Erase the data of “Les Voix du Lycée”?</h1>' in confirmation
    assert f'<form method="post" action="{erase}">' in confirmation
    assert "<strong>Erasure cannot be undone.</strong>" in confirmation
    assert not Erasure.objects.exists()
    unconfirmed = client.post(erase, follow=True)
    assert "Tick the box to confirm: erasure cannot be undone." in unconfirmed.content.decode()
    assert not Erasure.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(erase, {"confirm": "yes"}, follow=True)
    assert "Erased: 1 entries, 4 stored files; 1 scores kept, anonymised." in done.content.decode()
    assert Erasure.objects.filter(team=team).exists()


def test_the_export_holds_the_persons_audience_votes_and_erasure_leaves_them_counted_by_nobody():
    from audience.addresses import address_hash
    from audience.models import AudienceBallot, AudienceVote, Voter
    from tests.factories import PrizeFactory

    contest, organiser, team, entry, captain, *_ = _world()
    kept = Entry.objects.get(title="Derrière l'écran")
    vote = AudienceVote.objects.create(
        contest=contest,
        prize=PrizeFactory(contest=contest, name_fr="Prix du public"),
        electorate=AudienceVote.Electorate.ANYONE,
        opens_at=CLOSE,
        closes_at=CLOSE + timedelta(days=2),
    )
    # Camille voted by a link, with her address: the voter row knows only its keyed hash.
    voter = Voter.objects.create(
        contest=contest, address_hash=address_hash("Camille@example.org"), domain="example.org", ip="192.0.2.4"
    )
    AudienceBallot.objects.create(vote=vote, voter=voter, entry=kept, cast_at=CLOSE, ip="192.0.2.4", user_agent="UA")
    other = Voter.objects.create(contest=contest, address_hash=address_hash("sam@example.org"), domain="example.org")
    AudienceBallot.objects.create(vote=vote, voter=other, entry=kept, cast_at=CLOSE)
    data = export_person(contest=contest, person=captain, by=organiser)
    assert data["audience_votes"] == [
        {
            "prize": "Prix du public",
            "entry": kept.code,
            "cast_at": CLOSE.isoformat(),
            "changed_at": AudienceBallot.objects.get(voter=voter).changed_at.isoformat(),
            "changes": 0,
            "ip": "192.0.2.4",
            "browser": "UA",
            "voided": None,
        }
    ]
    erase_team(team=team, by=organiser, now=CLOSE + timedelta(days=1))
    assert AudienceBallot.objects.filter(vote=vote).count() == 2  # the count stands
    assert not Voter.objects.filter(address_hash=address_hash("camille@example.org")).exists()
    erased = AudienceBallot.objects.exclude(voter=other).get()
    assert (erased.ip, erased.user_agent, erased.voter.ip, erased.voter.user) == (None, "", None, None)
    assert Voter.objects.get(pk=other.pk).address_hash == address_hash("sam@example.org")


def test_the_export_of_a_juror_holds_their_messages_ballots_wishes_and_mail_choices():
    from judging.models import (
        AssignmentWish,
        BallotPaper,
        DiscussionMessage,
        FinalVote,
        JurorMailPreference,
        RoundJuror,
    )

    contest, organiser, team, entry, captain, also_juror, juror, keys = _world()
    round_ = RoundJuror.objects.get(user=juror).round
    kept = Entry.objects.get(title="Derrière l'écran")
    DiscussionMessage.objects.create(round=round_, entry=kept, author=juror, text="Le son est faible.")
    vote = FinalVote.objects.create(round=round_)
    BallotPaper.objects.create(vote=vote, juror=juror, ranking=[kept.pk, entry.pk])
    AssignmentWish.objects.create(round=round_, juror=juror, entry=kept, wish=AssignmentWish.Wish.LIKE)
    JurorMailPreference.objects.create(contest=contest, juror=juror, reminders=False, digest=True)
    jury = export_person(contest=contest, person=juror, by=organiser)["jury"]
    assert [(m["entry"], m["text"]) for m in jury["discussion_messages"]] == [(kept.code, "Le son est faible.")]
    assert [(b["round"], b["ranking"]) for b in jury["final_vote_ballots"]] == [(round_.name_fr, [kept.pk, entry.pk])]
    assert jury["wishes"] == [{"round": round_.name_fr, "entry": kept.code, "wish": AssignmentWish.Wish.LIKE}]
    assert jury["mail_choices"] == [{"reminders": False, "digest": True}]


def test_erasing_a_team_deletes_the_people_on_screen_it_listed_and_their_answers():
    contest, organiser, team, entry, *_ = _world()
    kept = EntryFactory(team__contest=contest, status=Entry.Status.SUBMITTED)
    for listed_on in (entry, kept):
        person = PersonOnScreen.objects.create(entry=listed_on, name="Léa", email="lea@example.org")
        ConsentRecord.objects.create(
            person=person, party="person", use="jury", given=True, email="lea@example.org", recorded_at=CLOSE
        )
    erase_team(team=team, by=organiser, now=CLOSE + timedelta(seconds=1))
    assert list(PersonOnScreen.objects.values_list("entry_id", flat=True)) == [kept.pk]
    assert list(ConsentRecord.objects.values_list("person__entry_id", flat=True)) == [kept.pk]
