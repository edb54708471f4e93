"""A round's assignments edited from a spreadsheet, as HotCRP's bulk assignment: one row per change, the film's code,
the juror's address and "add" or "remove". The current assignments download in the same shape, to edit and send back.
Every row is checked first against the round's films and jurors, conflicts of interest, submitted reviews and each
juror's maximum, with its problems in words; then every change is written, or none (contest.imports' preview and
signed confirmation)."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from contest.imports import PeopleImportError, Preview, Row, signed, table_rows, unsigned
from contest.services import record_event

from . import selectors
from .models import Assignment, Review, Round, RoundJuror
from .services import add_assignment, remove_assignment

KIND = "assignments"
SALT = "judging.assignment_imports"
HEADERS = {
    "entry": "entry",
    "film": "entry",
    "code": "entry",
    "juror": "juror",
    "juré": "juror",
    "jure": "juror",
    "juré·e": "juror",
    "email": "juror",
    "courriel": "juror",
    "action": "action",
}
COLUMNS = ("entry", "juror", "action")
REQUIRED = ("entry", "juror")
ACTIONS = {
    "": "add",
    "add": "add",
    "ajouter": "add",
    "+": "add",
    "remove": "remove",
    "retirer": "remove",
    "-": "remove",
}


def current_rows(round: Round) -> list[list[str]]:
    """The round's assignments as the file the organiser edits: a header, then (film code, juror's address, add)."""
    pairs = (
        Assignment.objects.filter(round=round)
        .order_by("entry__code", "juror__email")
        .values_list("entry__code", "juror__email")
    )
    return [["entry", "juror", "action"], *([code, email, "add"] for code, email in pairs)]


def read_assignments(*, round: Round, name: str, data: bytes) -> Preview:
    """Read and check every row of an assignments file, writing nothing.
    Raises PeopleImportError("too_big" | "unreadable")."""
    rows, problems = table_rows(
        name=name,
        data=data,
        headers=HEADERS,
        columns=COLUMNS,
        required=REQUIRED,
        empty=_("The file is empty: its first row names the columns, then one row per change."),
    )
    if problems:
        return Preview(KIND, [], problems)
    for row in rows:
        row.values.setdefault("action", "")
    _check(round, rows)
    return Preview(KIND, rows, [])


def _check(round: Round, rows: list[Row]) -> dict[int, tuple[str, User, object]]:
    """Writes each row's problems and notes; returns what each row without a problem does, by row number:
    ("add" | "remove" | "none" (already so), the juror, the entry)."""
    effects: dict[int, tuple[str, User, object]] = {}
    entries = {entry.code.upper(): entry for entry in selectors.round_entries(round)}
    seats = {
        seat.user.email.lower(): seat
        for seat in RoundJuror.objects.filter(round=round, active=True).select_related("user")
    }
    juror_ids = [seat.user_id for seat in seats.values()]
    forbidden = selectors.forbidden_pairs(
        contest_id=round.contest_id, round=round, juror_ids=juror_ids, entries=selectors.round_entries(round)
    )
    assigned = set(Assignment.objects.filter(round=round).values_list("juror_id", "entry_id"))
    submitted = set(
        Assignment.objects.filter(round=round, review__status=Review.Status.SUBMITTED).values_list(
            "juror_id", "entry_id"
        )
    )
    scored = set(Assignment.objects.filter(round=round, scores__isnull=False).values_list("juror_id", "entry_id"))
    loads: dict[int, int] = {}
    for juror, _entry in assigned:
        loads[juror] = loads.get(juror, 0) + 1
    seen: dict[tuple[str, str], int] = {}
    adds_of: dict[int, list[Row]] = {}
    for row in rows:
        code = row.values["entry"].strip().upper()
        email = row.values["juror"].strip().lower()
        row.values["entry"], row.values["juror"] = code, email
        action = ACTIONS.get(row.values["action"].strip().lower())
        if action is None:
            row.problems.append(
                _("column « action »: « %(value)s » is neither add nor remove.") % {"value": row.values["action"]}
            )
        else:
            row.values["action"] = action
        entry = entries.get(code)
        seat = seats.get(email)
        if entry is None:
            row.problems.append(
                _("no film of this round has the code « %(code)s ».") % {"code": code}
                if code
                else _("column « entry » is empty: give the film's code (as in the round's table).")
            )
        if seat is None:
            row.problems.append(
                _("%(email)s is not a juror of this round: seat them on the round first.") % {"email": email}
                if email
                else _("column « juror » is empty: give the juror's address.")
            )
        if (code, email) in seen:
            row.problems.append(_("this film and juror are already on row %(row)d.") % {"row": seen[(code, email)]})
        seen.setdefault((code, email), row.number)
        if entry is None or seat is None or action is None or row.problems:
            continue
        pair = (seat.user_id, entry.pk)
        if action == "add":
            if pair in forbidden:
                row.problems.append(
                    _("%(email)s has a conflict of interest with the film %(code)s.") % {"email": email, "code": code}
                )
            elif pair in assigned:
                row.notes.append(_("already assigned: nothing to do."))
                effects[row.number] = ("none", seat.user, entry)
            else:
                loads[seat.user_id] = loads.get(seat.user_id, 0) + 1
                adds_of.setdefault(seat.user_id, []).append(row)
                effects[row.number] = ("add", seat.user, entry)
        elif pair not in assigned:
            row.notes.append(_("not assigned: nothing to do."))
            effects[row.number] = ("none", seat.user, entry)
        elif pair in submitted:
            row.problems.append(
                _("%(email)s has submitted their review of %(code)s: it stays.") % {"email": email, "code": code}
            )
        else:
            loads[seat.user_id] = loads.get(seat.user_id, 0) - 1
            effects[row.number] = ("remove", seat.user, entry)
            if pair in scored:
                row.notes.append(_("their draft scores for this film will be deleted."))
    for seat in seats.values():
        load = loads.get(seat.user_id, 0)
        if seat.max_entries is not None and load > seat.max_entries and seat.user_id in adds_of:
            for row in adds_of[seat.user_id]:
                row.problems.append(
                    _("%(email)s would have %(load)d films, above their maximum of %(max)d for this round.")
                    % {"email": seat.user.email, "load": load, "max": seat.max_entries}
                )
    return effects


@transaction.atomic
def apply_assignments(*, round: Round, preview: Preview, by: User) -> tuple[int, int]:
    """Write every change of a checked file, or none: checked again now (anything that changed since the preview
    counts), then each pair through add_assignment / remove_assignment (each audited), and an AuditEvent
    `assignments_imported`. Returns (added, removed). Raises PeopleImportError("not_ready")."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    again = Preview(preview.kind, [Row(row.number, dict(row.values)) for row in preview.rows], [])
    effects = _check(round, again.rows)
    if preview.kind != KIND or not again.ok or not again.rows:
        raise PeopleImportError(
            "not_ready", _("Nothing was changed: correct the rows marked below, then send the file again.")
        )
    added = removed = 0
    for effect, juror, entry in effects.values():
        if effect == "add":
            add_assignment(round=round, juror=juror, entry=entry, by=by)
            added += 1
        elif effect == "remove":
            remove_assignment(assignment=Assignment.objects.get(round=round, juror=juror, entry=entry), by=by)
            removed += 1
    record_event(
        verb="assignments_imported", actor=by, contest=round.contest, round=round.pk, added=added, removed=removed
    )
    return added, removed


def sign(preview: Preview) -> str:
    return signed(preview, salt=SALT)


def unsign(value: str) -> Preview:
    return unsigned(value, salt=SALT)
