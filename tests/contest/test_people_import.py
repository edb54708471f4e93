"""Importing teams (with their members) and jurors from a CSV or XLSX file: a preview with every row's problems in
words, then all the rows or none; each person gets one invitation in their language."""

import io
from html import unescape

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contest import imports
from contest.models import AuditEvent, ContestRole, Invitation, Team
from tests.factories import (
    ContestFactory,
    ContestRoleFactory,
    InstitutionFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

GOOD = (
    "équipe;établissement;courriel;langue\n"
    "Les Voix du Lycée;Lycée Olympe de Gouges;Camille@Example.org;fr\n"
    "Les Voix du Lycée;Lycée Olympe de Gouges;yanis@example.org;\n"
    "Contrechamp;Lycée Simone Veil;ines@example.org;en\n"
)


@pytest.fixture
def contest():
    contest = ContestFactory()
    for name in ("Lycée Olympe de Gouges", "Lycée Simone Veil"):
        contest.institutions.add(InstitutionFactory(name=name))
    return contest


@pytest.fixture
def organiser(contest):
    user = UserFactory(email="orga@example.org")
    ContestRoleFactory(contest=contest, user=user, role=ContestRole.Role.ORGANISER)
    return user


def _post(client, contest, text: str, *, kind="teams", name="people.csv", data: bytes | None = None):
    upload = SimpleUploadedFile(name, data if data is not None else text.encode())
    return client.post(
        reverse("organiser_import_preview", kwargs={"contest_slug": contest.slug}), {"kind": kind, "file": upload}
    )


def _signed_rows(response) -> str:
    body = response.content.decode()
    start = body.index('name="rows" value="') + len('name="rows" value="')
    return unescape(body[start : body.index('"', start)])


def test_a_good_file_is_previewed_then_imported_once_confirmed(
    client, contest, organiser, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    preview = _post(client, contest, GOOD)
    assert preview.status_code == 200
    assert not Team.objects.filter(contest=contest).exists()  # the preview writes nothing
    confirm = reverse("organiser_import_confirm", kwargs={"contest_slug": contest.slug})
    rows = _signed_rows(preview)
    assert client.post(confirm, {"rows": rows}).status_code == 400  # the box is required
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(confirm, {"rows": rows, "confirm": "on"})
    assert done.status_code == 302
    teams = {team.name: team for team in Team.objects.filter(contest=contest)}
    assert sorted(teams) == ["Contrechamp", "Les Voix du Lycée"]
    assert {team.approval for team in teams.values()} == {Team.Approval.APPROVED}
    assert teams["Contrechamp"].institution.name == "Lycée Simone Veil"
    invited = sorted(Invitation.objects.filter(contest=contest).values_list("email", "team__name"))
    assert invited == [
        ("camille@example.org", "Les Voix du Lycée"),
        ("ines@example.org", "Contrechamp"),
        ("yanis@example.org", "Les Voix du Lycée"),
    ]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "camille@example.org",
        "ines@example.org",
        "yanis@example.org",
    ]
    assert AuditEvent.objects.get(verb="people_imported").data == {"kind": "teams", "rows": 3}
    again = client.post(confirm, {"rows": rows, "confirm": "on"})
    assert again.status_code == 400  # the same rows again: the teams exist now, nothing is written twice
    assert Team.objects.filter(contest=contest).count() == 2


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row_and_the_field(client, contest, organiser):
    client.force_login(organiser)
    bad = GOOD + "Plan Séquence;Lycée Inconnu;leo@example;fr\n"
    response = _post(client, contest, bad)
    body = unescape(response.content.decode())
    assert response.status_code == 400
    assert "Row 5: column « email »: « leo@example » is not an email address." in body
    assert (
        "Row 5: column « institution »: « Lycée Inconnu » is not one of the contest's institutions "
        "(Lycée Olympe de Gouges, Lycée Simone Veil)." in body
    )
    assert 'name="rows"' not in body  # no way to confirm
    assert not Team.objects.filter(contest=contest).exists() and not Invitation.objects.exists()


def test_a_forged_or_changed_confirmation_imports_nothing(client, contest, organiser):
    client.force_login(organiser)
    confirm = reverse("organiser_import_confirm", kwargs={"contest_slug": contest.slug})
    assert client.post(confirm, {"rows": "forged", "confirm": "on"}).status_code == 400
    rows = _signed_rows(_post(client, contest, GOOD))
    TeamFactory(contest=contest, name="Contrechamp")  # made meanwhile by someone else
    response = client.post(confirm, {"rows": rows, "confirm": "on"})
    assert response.status_code == 400
    assert Team.objects.filter(contest=contest).count() == 1 and not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("\n;;\n", "The file is empty: its first row names the columns, then one row per person."),
        (
            "name;email\nA;a@example.org\n",
            "The first row must name the columns team, institution, email, language; missing: team, institution.",
        ),
    ],
)
def test_a_file_without_its_columns_is_refused_in_words(client, contest, organiser, text, message):
    client.force_login(organiser)
    response = _post(client, contest, text)
    assert response.status_code == 400
    assert message in unescape(response.content.decode())


def test_duplicates_existing_members_and_languages_are_named(client, contest, organiser):
    member = UserFactory(email="sam@example.org")
    TeamMemberFactory(team=TeamFactory(contest=contest), user=member)
    client.force_login(organiser)
    text = (
        "team,institution,email,language\n"
        "A,Lycée Simone Veil,x@example.org,de\n"
        "A,Lycée Simone Veil,X@example.org,fr\n"
        "B,Lycée Simone Veil,sam@example.org,fr\n"
        "A,Lycée Olympe de Gouges,z@example.org,fr\n"
    )
    body = unescape(_post(client, contest, text).content.decode())
    assert "Row 2: column « language »: « de » is neither fr nor en." in body
    assert "Row 3: the address x@example.org is already on row 2." in body
    assert "Row 4: sam@example.org is already in a team of this contest." in body
    assert "Row 5: the team « A » has another institution on an earlier row (Lycée Simone Veil)." in body


def test_jurors_are_invited_from_an_xlsx_file(client, contest, organiser, django_capture_on_commit_callbacks):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Email", "Language"])
    sheet.append(["jure1@example.org", "en"])
    sheet.append(["jure2@example.org", None])
    data = io.BytesIO()
    book.save(data)
    client.force_login(organiser)
    preview = _post(client, contest, "", kind="jurors", name="jury.xlsx", data=data.getvalue())
    assert preview.status_code == 200
    confirm = reverse("organiser_import_confirm", kwargs={"contest_slug": contest.slug})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(confirm, {"rows": _signed_rows(preview), "confirm": "on"}).status_code == 302
    assert sorted(Invitation.objects.filter(kind="juror").values_list("email", flat=True)) == [
        "jure1@example.org",
        "jure2@example.org",
    ]
    assert sorted(message.to[0] for message in mail.outbox) == ["jure1@example.org", "jure2@example.org"]


def test_a_broken_workbook_is_refused_in_words(client, contest, organiser):
    client.force_login(organiser)
    response = _post(client, contest, "", kind="jurors", name="jury.xlsx", data=b"not a workbook")
    assert response.status_code == 400
    assert "This file is not a readable XLSX workbook: export it again as .xlsx or .csv." in unescape(
        response.content.decode()
    )


def test_only_the_contests_organisers_import(client, contest):
    outsider = UserFactory()
    ContestRoleFactory(user=outsider, role=ContestRole.Role.ORGANISER)
    client.force_login(outsider)
    assert client.get(reverse("organiser_import", kwargs={"contest_slug": contest.slug})).status_code == 404
    assert _post(client, contest, GOOD).status_code == 404
    assert not Team.objects.filter(contest=contest).exists()


def test_the_reader_keeps_the_spreadsheets_row_numbers_and_skips_empty_rows(contest):
    preview = imports.read_file(
        contest=contest, kind="jurors", name="j.csv", data=b"email\n\na@example.org\n,\nb@example.org\n"
    )
    assert [(row.number, row.values["email"]) for row in preview.rows] == [(3, "a@example.org"), (5, "b@example.org")]


def test_jurors_pasted_as_addresses_are_checked_like_a_file_and_invited_at_once(
    client, contest, organiser, django_capture_on_commit_callbacks
):
    juror = UserFactory(email="deja@example.org")
    ContestRoleFactory(contest=contest, user=juror, role=ContestRole.Role.JUROR)
    client.force_login(organiser)
    preview_url = reverse("organiser_import_preview", kwargs={"contest_slug": contest.slug})
    refused = client.post(
        preview_url, {"kind": "jurors", "addresses": "ana@example.org\nDeja@example.org, pas-une-adresse\n"}
    )
    assert refused.status_code == 400
    assert {row.number: row.problems for row in refused.context["preview"].rows if row.problems} == {
        2: ["deja@example.org is already a juror of this contest."],
        3: ["column « email »: « pas-une-adresse » is not an email address."],
    }
    preview = client.post(preview_url, {"kind": "jurors", "addresses": "ana@example.org;\n\nbea@example.org\n"})
    assert preview.status_code == 200
    rows = preview.context["confirm_form"].initial["rows"]
    confirm = reverse("organiser_import_confirm", kwargs={"contest_slug": contest.slug})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(confirm, {"rows": rows, "confirm": "on"}).status_code == 302
    assert sorted(Invitation.objects.filter(contest=contest).values_list("email", flat=True)) == [
        "ana@example.org",
        "bea@example.org",
    ]
    assert sorted(message.to[0] for message in mail.outbox) == ["ana@example.org", "bea@example.org"]


def test_the_import_takes_a_file_or_addresses_and_addresses_only_for_jurors(client, contest, organiser):
    client.force_login(organiser)
    preview_url = reverse("organiser_import_preview", kwargs={"contest_slug": contest.slug})
    for data, message in (
        ({"kind": "jurors"}, "Give either a file or a list of addresses."),
        (
            {"kind": "teams", "addresses": "ana@example.org"},
            "A list of addresses invites jurors: for teams, send a file.",
        ),
    ):
        response = client.post(preview_url, data)
        assert response.status_code == 400 and message in unescape(response.content.decode())
    page = client.get(reverse("organiser_import", kwargs={"contest_slug": contest.slug}) + "?kind=jurors")
    assert page.context["form"].initial == {"kind": "jurors"}
    dashboard = client.get(reverse("organiser_dashboard", kwargs={"contest_slug": contest.slug})).content.decode()
    assert reverse("organiser_import", kwargs={"contest_slug": contest.slug}) + "?kind=jurors" in dashboard
    assert not Invitation.objects.filter(contest=contest).exists()
