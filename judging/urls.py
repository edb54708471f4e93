"""Included by config/urls.py under c/<contest_slug>/, before the contest app's own patterns. Pages answer GET;
each action posts to its own URL, named after its verb."""

from django.urls import path

from .views import assignment_import, awards, deliberation, feedback, final_vote, jury, organiser

ROUND = "organiser/judging/rounds/<int:round_id>/"

urlpatterns = [
    # Jurors
    path("jury/", jury.jury_home, name="jury_home"),
    path("jury/conflicts/", jury.jury_conflicts, name="jury_conflicts"),
    path("jury/conflicts/declare/", jury.jury_declare_conflict, name="jury_declare_conflict"),
    path("jury/conflicts/opt-outs/", jury.jury_set_opt_outs, name="jury_set_opt_outs"),
    path("jury/conflicts/pace/", jury.jury_set_pace, name="jury_set_pace"),
    path("jury/mails/", jury.jury_set_mails, name="jury_set_mails"),
    path("jury/rounds/<int:round_id>/", jury.jury_queue, name="jury_queue"),
    path("jury/rounds/<int:round_id>/entries/<str:code>/", jury.jury_entry, name="jury_entry"),
    path("jury/rounds/<int:round_id>/entries/<str:code>/submit/", jury.jury_submit, name="jury_submit"),
    path("jury/rounds/<int:round_id>/entries/<str:code>/screener.m3u8", jury.jury_screener, name="jury_screener"),
    path("jury/rounds/<int:round_id>/entries/<str:code>/subtitles.vtt", jury.jury_subtitles, name="jury_subtitles"),
    path("jury/rounds/<int:round_id>/entries/<str:code>/autosave/", jury.jury_autosave, name="jury_autosave"),
    path("jury/rounds/<int:round_id>/entries/<str:code>/watched/", jury.jury_watched, name="jury_watched"),
    path(
        "jury/rounds/<int:round_id>/entries/<str:code>/conflict/", jury.jury_entry_conflict, name="jury_entry_conflict"
    ),
    path(
        "jury/rounds/<int:round_id>/entries/<str:code>/discussion/",
        jury.jury_post_message,
        name="jury_post_message",
    ),
    path("jury/rounds/<int:round_id>/deliberation/", deliberation.deliberation_page, name="deliberation"),
    path(
        "jury/rounds/<int:round_id>/deliberation/state.json",
        deliberation.deliberation_state,
        name="deliberation_state",
    ),
    path("jury/rounds/<int:round_id>/deliberation/open/", deliberation.open_deliberation, name="deliberation_open"),
    path("jury/rounds/<int:round_id>/deliberation/discuss/", deliberation.discuss_entry, name="deliberation_discuss"),
    path("jury/rounds/<int:round_id>/deliberation/decide/", deliberation.record_decision, name="deliberation_decide"),
    path("jury/rounds/<int:round_id>/deliberation/close/", deliberation.close_deliberation, name="deliberation_close"),
    path("jury/rounds/<int:round_id>/wishes/", jury.jury_wishes, name="jury_wishes"),
    path("jury/rounds/<int:round_id>/wishes/save/", jury.jury_set_wishes, name="jury_set_wishes"),
    path("jury/rounds/<int:round_id>/vote/", final_vote.jury_vote, name="jury_vote"),
    path("jury/rounds/<int:round_id>/vote/cast/", final_vote.jury_cast_ballot, name="jury_cast_ballot"),
    # Organisers
    path("organiser/judging/", organiser.judging_dashboard, name="judging_dashboard"),
    path("organiser/judging/rounds/create/", organiser.create_round, name="judging_create_round"),
    path("organiser/judging/conflicts/declare/", organiser.declare_conflict, name="judging_declare_conflict"),
    path("organiser/judging/president/", deliberation.name_president, name="judging_name_president"),
    path(ROUND, organiser.round_detail, name="judging_round"),
    path(ROUND + "criteria/add/", organiser.add_criterion, name="judging_round_add_criterion"),
    path(
        ROUND + "criteria/<int:criterion_id>/anchors/",
        organiser.update_criterion_anchors,
        name="judging_criterion_anchors",
    ),
    path(ROUND + "update/", organiser.update_round, name="judging_round_update"),
    path(ROUND + "jurors/seat-all/", organiser.seat_all_jurors, name="judging_round_seat_all_jurors"),
    path(ROUND + "jurors/remove/", organiser.remove_round_juror, name="judging_round_remove_juror"),
    path(ROUND + "jurors/capacity/", organiser.set_juror_capacity, name="judging_round_juror_capacity"),
    path(ROUND + "assign/", organiser.assign_jurors, name="judging_round_assign_jurors"),
    path(ROUND + "assignments/add/", organiser.add_assignment, name="judging_round_add_assignment"),
    path(ROUND + "assignments/remove/", organiser.remove_assignment, name="judging_round_remove_assignment"),
    path(ROUND + "assignments/import/", assignment_import.assignment_import, name="judging_assignment_import"),
    path(
        ROUND + "assignments/import/preview/",
        assignment_import.assignment_import_preview,
        name="judging_assignment_import_preview",
    ),
    path(
        ROUND + "assignments/import/confirm/",
        assignment_import.assignment_import_confirm,
        name="judging_assignment_import_confirm",
    ),
    path(ROUND + "assignments.<str:fmt>", assignment_import.assignment_file, name="judging_assignment_file"),
    path(ROUND + "results/", organiser.round_results, name="judging_results"),
    path(ROUND + "results/shortlist/", organiser.shortlist_top, name="judging_round_shortlist"),
    path(ROUND + "entries/<str:code>/", organiser.round_entry, name="judging_round_entry"),
    path(ROUND + "vote/", final_vote.vote_page, name="judging_vote"),
    path(ROUND + "vote/prepare/", final_vote.prepare_vote, name="judging_prepare_vote"),
    path(ROUND + "vote/open/", final_vote.open_vote, name="judging_open_vote"),
    path(ROUND + "vote/close/", final_vote.close_vote, name="judging_close_vote"),
    path(ROUND + "<str:what>.<str:fmt>", organiser.round_export, name="judging_round_export"),
    path("organiser/judging/awards/", awards.awards, name="judging_awards"),
    path("organiser/judging/awards/record/", awards.record_award, name="judging_record_award"),
    path("organiser/judging/awards/remove/", awards.remove_award, name="judging_remove_award"),
    path("organiser/judging/awards.<str:fmt>", awards.awards_export, name="judging_awards_export"),
    path("organiser/judging/feedback/", feedback.feedback, name="judging_feedback"),
    path("organiser/judging/feedback/schedule/", feedback.schedule_feedback, name="judging_schedule_feedback"),
    path("organiser/judging/feedback/cancel/", feedback.cancel_feedback, name="judging_cancel_feedback"),
    path("organiser/judging/feedback/moderate/", feedback.moderate_feedback, name="judging_moderate_feedback"),
]
