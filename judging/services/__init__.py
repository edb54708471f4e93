"""Every change of state in judging. Views call these; nothing else writes judging rows.

One module per part of judging: `rounds` (rounds and criteria), `jury` (seats, conflicts, opt-outs), `assignment`
(who judges what), `reviews` (scores, submission, watching), `awards` (shortlist and prizes), `feedback` (the
jury's feedback to the teams: its publication and moderation), `juror_mails` (the mails that keep a jury moving), `final_vote` (the secret ballot for prizes), `discussion` (the jury's messages about an entry), `deliberation` (the president's meeting). The names below are
the public ones: `from judging import services; services.assign_jurors(...)`.

Audit events written here never carry the `entry` foreign key: teams read their entry's events, and who judged
their film (or how) is none of their business. The entry's id and code go in the event's data instead."""

from .assignment import (
    add_assignment,
    assign_jurors,
    remove_assignment,
    set_assignment_wishes,
    set_juror_capacity,
)
from .awards import record_award, remove_award, set_shortlist, shortlist_top
from .deliberation import close_deliberation, discuss_entry, name_president, open_deliberation, record_decision
from .discussion import post_message
from .errors import JudgingError
from .feedback import cancel_feedback, mail_published_feedback, moderate_feedback, restore_feedback, schedule_feedback
from .final_vote import cast_ballot, close_vote, open_vote, prepare_vote
from .juror_mails import mail_discussion_digests, mail_jurors, mail_round_jurors, set_juror_mail_preference
from .jury import (
    add_round_juror,
    declare_conflict,
    remove_round_juror,
    seat_all_jurors,
    set_content_opt_outs,
    set_warning_pace,
)
from .reviews import (
    WATCHED_SHARE_REQUIRED,
    DraftOutcome,
    ScoreError,
    ScoreProblem,
    record_watching,
    save_draft,
    save_review,
    watching_clock,
)
from .rounds import ROUND_FIELDS, add_criterion, create_round, update_criterion_anchors, update_round

__all__ = [
    "ROUND_FIELDS",
    "WATCHED_SHARE_REQUIRED",
    "DraftOutcome",
    "JudgingError",
    "ScoreError",
    "ScoreProblem",
    "add_assignment",
    "add_criterion",
    "add_round_juror",
    "assign_jurors",
    "cancel_feedback",
    "cast_ballot",
    "close_deliberation",
    "close_vote",
    "create_round",
    "declare_conflict",
    "discuss_entry",
    "mail_discussion_digests",
    "mail_jurors",
    "mail_published_feedback",
    "mail_round_jurors",
    "moderate_feedback",
    "name_president",
    "open_deliberation",
    "open_vote",
    "post_message",
    "prepare_vote",
    "record_award",
    "record_decision",
    "record_watching",
    "watching_clock",
    "remove_assignment",
    "remove_award",
    "remove_round_juror",
    "restore_feedback",
    "save_draft",
    "save_review",
    "schedule_feedback",
    "seat_all_jurors",
    "set_assignment_wishes",
    "set_content_opt_outs",
    "set_warning_pace",
    "set_juror_capacity",
    "set_juror_mail_preference",
    "set_shortlist",
    "shortlist_top",
    "update_criterion_anchors",
    "update_round",
]
