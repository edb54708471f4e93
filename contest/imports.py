"""Bulk imports of people: teams with their members, and jurors, from a CSV or XLSX file. Every row is read and
checked first, with its problems in words (row number, column, what to fix); the import writes all its rows or none.
Teams are created approved (the organisers vouch for them); people get an invitation each, in their language."""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from .invitations import invite
from .models import Contest, Invitation, Team
from .services import ContestError, record_event

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
# Column names as organisers write them, in either language, to the column each kind of import reads.
HEADERS = {
    "team": "team",
    "équipe": "team",
    "equipe": "team",
    "institution": "institution",
    "établissement": "institution",
    "etablissement": "institution",
    "email": "email",
    "e-mail": "email",
    "courriel": "email",
    "adresse": "email",
    "language": "language",
    "langue": "language",
}
COLUMNS = {"teams": ("team", "institution", "email", "language"), "jurors": ("email", "language")}
REQUIRED = {"teams": ("team", "institution", "email"), "jurors": ("email",)}
LANGUAGES = {"": "fr", "fr": "fr", "français": "fr", "francais": "fr", "en": "en", "english": "en", "anglais": "en"}


class PeopleImportError(ContestError):
    pass


@dataclass
class Row:
    number: int  # as the organiser's spreadsheet numbers it: the header is row 1
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the row will do, when it is not the obvious


@dataclass
class Preview:
    kind: str  # "teams" | "jurors" (here); "assignments" (judging.assignment_imports)
    rows: list[Row]
    problems: list[str]  # about the file as a whole

    @property
    def ok(self) -> bool:
        return not self.problems and not any(row.problems for row in self.rows)

    @property
    def teams(self) -> list[tuple[str, str, list[str]]]:
        """(team, institution, emails) in the file's order."""
        found: dict[str, tuple[str, str, list[str]]] = {}
        for row in self.rows:
            name = row.values["team"]
            found.setdefault(name.casefold(), (name, row.values["institution"], []))[2].append(row.values["email"])
        return list(found.values())


def read_table(name: str, data: bytes) -> list[list[str]]:
    """The file's cells as text, rows of columns. Raises PeopleImportError("unreadable")."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
            return [
                ["" if cell is None else str(cell).strip() for cell in row] for row in sheet.iter_rows(values_only=True)
            ]
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise PeopleImportError(
                "unreadable", _("This file is not a readable XLSX workbook: export it again as .xlsx or .csv.")
            ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise PeopleImportError(
                "unreadable", _("This CSV file is neither UTF-8 nor Windows text: save it again as CSV UTF-8.")
            ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def _too_many_rows() -> str:
    return _("At most %(count)d rows at a time: split the file.") % {"count": MAX_ROWS}


def table_rows(
    *, name: str, data: bytes, headers: dict[str, str], columns: tuple[str, ...], required: tuple[str, ...], empty: str
) -> tuple[list[Row], list[str]]:
    """The rows of a spreadsheet whose first row names its columns (`headers`: the names organisers write, in either
    language, to the column read), each with the `columns` it has ("" where a cell is missing), numbered as the
    spreadsheet numbers them; and the problems of the file as a whole (`empty` when it has no row at all).
    Raises PeopleImportError("too_big" | "unreadable")."""
    if len(data) > MAX_BYTES:
        raise PeopleImportError("too_big", _("The file is larger than 2 MB: split it into several files."))
    # (the spreadsheet's row number, cells) of every row with something in it: the header is the first of them.
    table = [(number, row) for number, row in enumerate(read_table(name, data), start=1) if any(row)]
    if not table:
        return [], [empty]
    header = [headers.get(cell.strip().lower(), cell.strip().lower()) for cell in table[0][1]]
    missing = [column for column in required if column not in header]
    if missing:
        return [], [
            _("The first row must name the columns %(columns)s; missing: %(missing)s.")
            % {"columns": ", ".join(columns), "missing": ", ".join(missing)}
        ]
    if len(table) - 1 > MAX_ROWS:
        return [], [_too_many_rows()]
    rows = []
    for number, cells in table[1:]:
        values = {
            column: (cells[header.index(column)] if header.index(column) < len(cells) else "")
            for column in columns
            if column in header
        }
        rows.append(Row(number, values))
    return rows, []


def read_file(*, contest: Contest, kind: str, name: str, data: bytes) -> Preview:
    """Read and check every row of a teams or jurors file, writing nothing.
    Raises PeopleImportError("too_big" | "unreadable")."""
    rows, problems = table_rows(
        name=name,
        data=data,
        headers=HEADERS,
        columns=COLUMNS[kind],
        required=REQUIRED[kind],
        empty=_("The file is empty: its first row names the columns, then one row per person."),
    )
    if problems:
        return Preview(kind, [], problems)
    for row in rows:
        row.values.setdefault("language", "")
    _check(contest, kind, rows)
    return Preview(kind, rows, [])


def read_addresses(*, contest: Contest, text: str) -> Preview:
    """Jurors from addresses pasted one per line (or separated by commas or semicolons), checked as a jurors file's
    rows (numbered from 1, as the lines were typed), writing nothing."""
    values = [value.strip() for line in text.splitlines() for value in re.split(r"[,;]", line)]
    rows = [Row(number, {"email": value, "language": ""}) for number, value in enumerate(filter(None, values), start=1)]
    if len(rows) > MAX_ROWS:
        return Preview("jurors", [], [_too_many_rows()])
    _check(contest, "jurors", rows)
    return Preview("jurors", rows, [])


def _check(contest: Contest, kind: str, rows: list[Row]) -> None:
    institutions = {institution.name.casefold(): institution.name for institution in contest.institutions.all()}
    teams = {name.casefold() for name in Team.objects.filter(contest=contest).values_list("name", flat=True)}
    members = {
        email.lower()
        for email in User.objects.filter(team_memberships__team__contest=contest).values_list("email", flat=True)
    }
    jurors = {
        email.lower()
        for email in User.objects.filter(contest_roles__contest=contest, contest_roles__role="juror").values_list(
            "email", flat=True
        )
    }
    seen: dict[str, int] = {}
    team_institution: dict[str, str] = {}
    for row in rows:
        email = row.values["email"].lower()
        row.values["email"] = email
        try:
            validate_email(email)
        except ValidationError:
            row.problems.append(
                _("column « email »: « %(value)s » is not an email address.") % {"value": row.values["email"]}
                if email
                else _("column « email » is empty.")
            )
        language = LANGUAGES.get(row.values["language"].strip().lower())
        if language is None:
            row.problems.append(
                _("column « language »: « %(value)s » is neither fr nor en.") % {"value": row.values["language"]}
            )
        else:
            row.values["language"] = language
        if email and email in seen:
            row.problems.append(
                _("the address %(email)s is already on row %(row)d.") % {"email": email, "row": seen[email]}
            )
        seen.setdefault(email, row.number)
        if kind == "jurors":
            if email in jurors:
                row.problems.append(_("%(email)s is already a juror of this contest.") % {"email": email})
            continue
        name = row.values["team"]
        institution = row.values["institution"]
        if not name:
            row.problems.append(_("column « team » is empty."))
        elif name.casefold() in teams:
            row.problems.append(_("a team named « %(name)s » already exists in this contest.") % {"name": name})
        if institution.casefold() not in institutions:
            row.problems.append(
                _("column « institution »: « %(value)s » is not one of the contest's institutions (%(names)s).")
                % {"value": institution, "names": ", ".join(sorted(institutions.values()))}
            )
        else:
            row.values["institution"] = institutions[institution.casefold()]
            first = team_institution.setdefault(name.casefold(), row.values["institution"])
            if first != row.values["institution"]:
                row.problems.append(
                    _("the team « %(name)s » has another institution on an earlier row (%(first)s).")
                    % {"name": name, "first": first}
                )
        if email in members:
            row.problems.append(_("%(email)s is already in a team of this contest.") % {"email": email})


@transaction.atomic
def import_people(*, contest: Contest, preview: Preview, by: User) -> int:
    """Write every row of a checked file, or none: teams (approved) and one invitation per person, mailed on commit.
    Writes Team, Invitation and an AuditEvent `people_imported`. Raises PeopleImportError("not_ready") if any row (or,
    checked again now, anything that changed since the preview) has a problem."""
    again = Preview(preview.kind, [Row(row.number, dict(row.values)) for row in preview.rows], list(preview.problems))
    _check(contest, again.kind, again.rows)
    if not again.ok or not again.rows:
        raise PeopleImportError(
            "not_ready", _("Nothing was imported: correct the rows marked below, then send the file again.")
        )
    if again.kind == "jurors":
        for row in again.rows:
            invite(
                contest=contest,
                email=row.values["email"],
                kind=Invitation.Kind.JUROR,
                by=by,
                language=row.values["language"],
            )
    else:
        institutions = {institution.name: institution for institution in contest.institutions.all()}
        languages = {row.values["email"]: row.values["language"] for row in again.rows}
        for name, institution, emails in again.teams:
            team = Team.objects.create(
                contest=contest,
                name=name,
                institution=institutions[institution],
                approval=Team.Approval.APPROVED,
                approval_decided_by=by,
            )
            for email in emails:
                invite(
                    contest=contest,
                    email=email,
                    kind=Invitation.Kind.TEAM_MEMBER,
                    team=team,
                    by=by,
                    language=languages[email],
                )
    record_event(verb="people_imported", actor=by, contest=contest, kind=again.kind, rows=len(again.rows))
    return len(again.rows)


def signed(preview: Preview, *, salt: str = "contest.imports") -> str:
    """The checked rows, signed, for the confirmation form to post back (nothing is stored between the two steps).
    Another import signs with its own `salt`, so that one import's preview is never taken for another's."""
    from django.core import signing

    rows = [[row.number, row.values] for row in preview.rows]
    return signing.dumps({"kind": preview.kind, "rows": rows}, salt=salt, compress=True)


def unsigned(value: str, *, salt: str = "contest.imports") -> Preview:
    """The rows a confirmation posted back. Raises PeopleImportError("expired") for a forged or hour-old one."""
    from django.core import signing

    try:
        data = signing.loads(value, salt=salt, max_age=3600)
    except signing.BadSignature:
        raise PeopleImportError("expired", _("This preview is more than an hour old: send the file again.")) from None
    return Preview(data["kind"], [Row(number, values) for number, values in data["rows"]], [])
