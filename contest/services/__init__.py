"""Every change of state to contests, teams and entries. Views call these; nothing else writes those rows.

One module per part: `common` (the errors, the audit trail, mail), `entries` (an entry's life), `edits` (a team's
change to an announced entry, reviewed by an organiser), `teams` (registration and the organisers' decisions). The
names below are the public ones: `from contest import services; services.submit_entry(...)`."""

from .common import (
    ContestError,
    SubmissionError,
    mail_team,
    record_account_event,
    record_event,
    send_claimed_mail,
)
from .edits import (
    approve_entry_edit,
    refuse_entry_edit,
)
from .entries import (
    check_editable,
    check_open,
    check_reinstatable,
    check_withdrawable,
    create_entry,
    disqualify_entry,
    missing_for_submission,
    reinstate_entry,
    set_film_accepted,
    state_before_withdrawal,
    submit_entry,
    update_entry,
    withdraw_entry,
)
from .teams import (
    approve_team,
    check_registration_open,
    create_team,
    grant_extension,
    refuse_team,
    reopen_registration,
)

__all__ = [
    "ContestError",
    "SubmissionError",
    "approve_entry_edit",
    "approve_team",
    "check_editable",
    "check_open",
    "check_registration_open",
    "check_reinstatable",
    "check_withdrawable",
    "create_entry",
    "create_team",
    "disqualify_entry",
    "grant_extension",
    "mail_team",
    "missing_for_submission",
    "record_account_event",
    "record_event",
    "refuse_entry_edit",
    "refuse_team",
    "send_claimed_mail",
    "reinstate_entry",
    "reopen_registration",
    "set_film_accepted",
    "state_before_withdrawal",
    "submit_entry",
    "update_entry",
    "withdraw_entry",
]
