"""Every change of state to contests, teams and entries. Views call these; nothing else writes those rows.

One module per part: `common` (the errors, the audit trail, mail), `entries` (an entry's life), `edits` (a team's
change to an announced entry, reviewed by an organiser), `teams` (registration and the organisers' decisions),
`consents` (the people on screen and their answers), `passages` (the hard passages a team marks). The names below
are the public ones: `from contest import services; services.submit_entry(...)`."""

from .common import (
    ContestError,
    SubmissionError,
    mail_team,
    record_account_event,
    record_event,
    send_claimed_mail,
)
from .consents import (
    add_person_on_screen,
    consent_url,
    person_for_consent_token,
    record_consent,
    remove_person_on_screen,
    renew_consent_links,
    send_consent_link,
    waive_jury_consent,
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
from .passages import mark_credits, mark_passage, unmark_passage
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
    "add_person_on_screen",
    "approve_entry_edit",
    "approve_team",
    "check_editable",
    "check_open",
    "check_registration_open",
    "check_reinstatable",
    "check_withdrawable",
    "consent_url",
    "create_entry",
    "create_team",
    "disqualify_entry",
    "grant_extension",
    "mail_team",
    "mark_credits",
    "mark_passage",
    "missing_for_submission",
    "person_for_consent_token",
    "record_account_event",
    "record_consent",
    "record_event",
    "refuse_entry_edit",
    "refuse_team",
    "reinstate_entry",
    "remove_person_on_screen",
    "renew_consent_links",
    "reopen_registration",
    "send_claimed_mail",
    "send_consent_link",
    "set_film_accepted",
    "state_before_withdrawal",
    "submit_entry",
    "unmark_passage",
    "update_entry",
    "waive_jury_consent",
    "withdraw_entry",
]
