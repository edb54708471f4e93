"""A round's assignments edited from a spreadsheet (HotCRP-style add/remove rows): the current assignments download in
the same shape; every row is checked against the round's films and jurors, conflicts, submitted reviews and each
juror's maximum, with its problem in words; then every change is written, or none."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from contest.models import AuditEvent, ContestRole
from judging.models import Assignment, Conflict, Review, RoundJuror, Score
from tests.factories import ContestRoleFactory, UserFactory

from .factories import assign, seated_juror, submitted_entry, submitted_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(scene):
    """The scene's round with three films (codes known) and three jurors; juror1 has « Sans voix »."""
    second = submitted_entry(scene.contest, title="Le Silence des couloirs")
    third = submitted_entry(scene.contest, title="Dire non")
    third_juror = seated_juror(scene.round, email="juror3@example.org")
    client = Client()
    client.force_login(scene.organiser)
    return scene, second, third, third_juror, client


def _url(scene, name, **extra) -> str:
    return reverse(name, kwargs={"contest_slug": scene.contest.slug, "round_id": scene.round.pk, **extra})


def _send(client, scene, text: str, name="affectations.csv"):
    upload = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(_url(scene, "judging_assignment_import_preview"), {"file": upload})


def _confirm(client, scene, page) -> object:
    rows = page.context["confirm_form"].initial["rows"]
    return client.post(_url(scene, "judging_assignment_import_confirm"), {"rows": rows, "confirm": "on"})


def _pairs(scene) -> set[tuple[str, str]]:
    return set(Assignment.objects.filter(round=scene.round).values_list("entry__code", "juror__email"))


def _problems(page) -> dict[int, list[str]]:
    return {row.number: row.problems for row in page.context["preview"].rows if row.problems}


def test_the_current_assignments_download_edit_and_come_back_as_adds_and_removes(
    desk, django_capture_on_commit_callbacks
):
    scene, second, third, juror3, client = desk
    download = client.get(_url(scene, "judging_assignment_file", fmt="csv"))
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    assert download.content.decode("utf-8-sig").splitlines() == [
        "entry,juror,action",
        f"{scene.entry.code},juror1@example.org,add",
    ]
    edited = (
        "entry;juror;action\n"
        f"{scene.entry.code};juror1@example.org;retirer\n"
        f"{scene.entry.code};Juror2@Example.org;ajouter\n"
        f"{second.code.lower()};juror3@example.org;\n"
        f"{third.code};juror3@example.org;add\n"
    )
    page = _send(client, scene, edited)
    assert page.status_code == 200 and page.context["preview"].ok
    assert _pairs(scene) == {(scene.entry.code, "juror1@example.org")}  # a preview writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = _confirm(client, scene, page)
    assert done.status_code == 302
    assert _pairs(scene) == {
        (scene.entry.code, "juror2@example.org"),
        (second.code, "juror3@example.org"),
        (third.code, "juror3@example.org"),
    }
    assert Assignment.objects.filter(round=scene.round, manual=True).count() == 3
    event = AuditEvent.objects.get(verb="assignments_imported")
    assert (event.actor, event.data["added"], event.data["removed"]) == (scene.organiser, 3, 1)
    assert AuditEvent.objects.filter(verb="assignment_added").count() == 3
    assert AuditEvent.objects.filter(verb="assignment_removed").count() == 1


def test_an_xlsx_file_is_read_as_its_csv_twin(desk):
    scene, second, _third, _juror3, client = desk
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Film", "Juré", "Action"])
    sheet.append([second.code, "juror2@example.org", "add"])
    data = io.BytesIO()
    workbook.save(data)
    upload = SimpleUploadedFile("affectations.xlsx", data.getvalue())
    page = client.post(_url(scene, "judging_assignment_import_preview"), {"file": upload})
    assert page.status_code == 200
    assert [
        (row.values["entry"], row.values["juror"], row.values["action"]) for row in page.context["preview"].rows
    ] == [(second.code, "juror2@example.org", "add")]
    assert _confirm(client, scene, page).status_code == 302
    assert (second.code, "juror2@example.org") in _pairs(scene)


def test_every_wrong_row_is_named_with_its_problem_and_nothing_is_changed(desk):
    scene, second, third, juror3, client = desk
    Conflict.objects.create(contest=scene.contest, juror=juror3, kind=Conflict.Kind.ENTRY, entry=third)
    stranger = UserFactory(email="not.seated@example.org")
    ContestRoleFactory(contest=scene.contest, user=stranger, role=ContestRole.Role.JUROR)
    page = _send(
        client,
        scene,
        "entry,juror,action\n"
        f"{second.code},juror2@example.org,add\n"  # row 2: fine
        "ZZZZZZ,juror2@example.org,add\n"  # 3
        f"{second.code},not.seated@example.org,add\n"  # 4
        f"{third.code},juror3@example.org,add\n"  # 5: conflict
        f"{second.code},juror2@example.org,remove\n"  # 6: same pair again
        f"{second.code},juror3@example.org,échanger\n"  # 7
        f",juror3@example.org,add\n",  # 8
    )
    assert page.status_code == 400
    assert _problems(page) == {
        3: ["no film of this round has the code « ZZZZZZ »."],
        4: ["not.seated@example.org is not a juror of this round: seat them on the round first."],
        5: [f"juror3@example.org has a conflict of interest with the film {third.code}."],
        6: ["this film and juror are already on row 2."],
        7: ["column « action »: « échanger » is neither add nor remove."],
        8: ["column « entry » is empty: give the film's code (as in the round's table)."],
    }
    assert page.context["confirm_form"] is None
    body = page.content.decode()
    assert "Nothing was changed: correct the rows marked below, then send the file again." in body
    assert "Row 5: juror3@example.org has a conflict of interest" in body
    assert _pairs(scene) == {(scene.entry.code, "juror1@example.org")}


def test_a_submitted_review_stays_and_draft_scores_are_announced_before_they_go(desk):
    scene, second, third, juror3, client = desk
    submitted_review(scene.round, juror3, second, [4, 12])
    draft = assign(scene.round, juror3, third)
    Review.objects.create(assignment=draft)
    Score.objects.create(assignment=draft, criterion=scene.criteria[0], value=3)
    page = _send(
        client,
        scene,
        f"entry,juror,action\n{second.code},juror3@example.org,remove\n{third.code},juror3@example.org,remove\n",
    )
    assert _problems(page) == {2: [f"juror3@example.org has submitted their review of {second.code}: it stays."]}
    page = _send(client, scene, f"entry,juror,action\n{third.code},juror3@example.org,remove\n")
    assert page.status_code == 200
    assert page.context["preview"].rows[0].notes == ["their draft scores for this film will be deleted."]
    assert _confirm(client, scene, page).status_code == 302
    assert not Assignment.objects.filter(pk=draft.pk).exists()
    assert Assignment.objects.filter(round=scene.round, juror=juror3, entry=second).exists()


def test_a_file_that_would_take_a_juror_over_their_maximum_is_refused_on_each_of_their_new_rows(desk):
    scene, second, third, juror3, client = desk
    RoundJuror.objects.filter(round=scene.round, user=scene.juror).update(max_entries=2)
    rows = "".join(f"{entry.code},juror1@example.org,add\n" for entry in (second, third))
    page = _send(client, scene, "entry,juror,action\n" + rows)
    expected = "juror1@example.org would have 3 films, above their maximum of 2 for this round."
    assert _problems(page) == {2: [expected], 3: [expected]}
    # Removing one of theirs in the same file makes room: the loads are counted after every row.
    page = _send(client, scene, f"entry,juror,action\n{scene.entry.code},juror1@example.org,remove\n" + rows)
    assert page.status_code == 200 and page.context["preview"].ok


def test_rows_that_change_nothing_say_so_and_a_file_of_them_writes_only_the_audit(desk):
    scene, second, _third, _juror3, client = desk
    page = _send(
        client,
        scene,
        f"entry,juror,action\n{scene.entry.code},juror1@example.org,add\n{second.code},juror2@example.org,remove\n",
    )
    assert [row.notes for row in page.context["preview"].rows] == [
        ["already assigned: nothing to do."],
        ["not assigned: nothing to do."],
    ]
    assert _confirm(client, scene, page).status_code == 302
    assert _pairs(scene) == {(scene.entry.code, "juror1@example.org")}
    event = AuditEvent.objects.get(verb="assignments_imported")
    assert (event.data["added"], event.data["removed"]) == (0, 0)
    assert not AuditEvent.objects.filter(verb__in=["assignment_added", "assignment_removed"]).exists()


def test_what_changed_since_the_preview_is_checked_again_at_the_confirmation(desk):
    scene, second, _third, juror3, client = desk
    page = _send(client, scene, f"entry,juror,action\n{second.code},juror3@example.org,add\n")
    assert page.status_code == 200
    Conflict.objects.create(contest=scene.contest, juror=juror3, kind=Conflict.Kind.ENTRY, entry=second)
    refused = _confirm(client, scene, page)
    assert refused.status_code == 400
    assert "Nothing was changed: correct the rows marked below, then send the file again." in refused.content.decode()
    assert not Assignment.objects.filter(round=scene.round, juror=juror3).exists()


def test_a_forged_confirmation_or_a_people_import_preview_is_refused(desk):
    from contest.imports import Preview, Row, signed

    scene, second, _third, _juror3, client = desk
    people = signed(Preview("jurors", [Row(2, {"email": "x@example.org", "language": "fr"})], []))
    for rows in ("forged", people):
        response = client.post(_url(scene, "judging_assignment_import_confirm"), {"rows": rows, "confirm": "on"})
        assert response.status_code == 400
        assert "This preview is more than an hour old: send the file again." in response.content.decode()
    unticked = client.post(_url(scene, "judging_assignment_import_confirm"), {"rows": "x"})
    assert unticked.status_code == 400 and "Tick the box to confirm the changes." in unticked.content.decode()
    assert _pairs(scene) == {(scene.entry.code, "juror1@example.org")}


def test_unreadable_empty_and_headless_files_are_told_apart(desk):
    scene, _second, _third, _juror3, client = desk
    for name, data, message in (
        ("a.xlsx", b"not a workbook", "This file is not a readable XLSX workbook: export it again as .xlsx or .csv."),
        ("a.csv", b"\n;;\n", "The file is empty: its first row names the columns, then one row per change."),
        ("a.csv", b"film;nom\nX;Y\n", "The first row must name the columns entry, juror, action; missing: juror."),
    ):
        upload = SimpleUploadedFile(name, data)
        page = client.post(_url(scene, "judging_assignment_import_preview"), {"file": upload})
        assert page.status_code == 400 and message in page.content.decode(), name
    assert client.post(_url(scene, "judging_assignment_import_preview"), {}).status_code == 400
    assert client.get(_url(scene, "judging_assignment_file", fmt="pdf")).status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "juror", "team_member", "other_organiser"])
def test_the_assignment_file_tools_answer_404_to_everyone_but_the_contests_organisers(desk, role):
    scene, second, _third, _juror3, _client = desk
    client = Client()
    if role == "juror":
        client.force_login(scene.juror)
    elif role == "team_member":
        client.force_login(scene.entry.team.memberships.first().user)
    elif role == "other_organiser":
        client.force_login(ContestRoleFactory(role=ContestRole.Role.ORGANISER).user)
    upload = SimpleUploadedFile("a.csv", f"entry,juror\n{second.code},juror2@example.org\n".encode())
    for method, url, data in (
        ("get", _url(scene, "judging_assignment_import"), None),
        ("get", _url(scene, "judging_assignment_file", fmt="csv"), None),
        ("post", _url(scene, "judging_assignment_import_preview"), {"file": upload}),
        ("post", _url(scene, "judging_assignment_import_confirm"), {"rows": "x", "confirm": "on"}),
    ):
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        if role == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
        else:
            assert response.status_code == 404, url
            assert "juror3@example.org" not in response.content.decode()
    assert _pairs(scene) == {(scene.entry.code, "juror1@example.org")}


def test_the_round_page_links_to_the_file_tools_in_french(desk):
    scene, _second, _third, _juror3, _client = desk
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(scene.organiser)
    round_page = client.get(_url(scene, "judging_round")).content.decode()
    import_url = _url(scene, "judging_assignment_import")
    assert f'href="{import_url}"' in round_page
    page = client.get(import_url).content.decode()
    assert "Attributions depuis un fichier" in page and "Vérifier le fichier" in page
