from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JudgingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "judging"

    def ready(self):
        from contest.consents import register_planned_uses
        from contest.editions import register_edition_copier
        from contest.group_messages import register_message_group
        from contest.models import EVENT_LABELS
        from contest.selectors import register_entry_sections, register_team_notices, register_withdrawal_stake
        from media_pipeline.delivery import signed_player
        from media_pipeline.models import ViewingSession
        from media_pipeline.replacement_locks import register_replacement_lock
        from media_pipeline.viewing_rights import register_viewing_right

        from . import editions, permissions, players, selectors, team_feedback

        players.register_player_provider(signed_player)
        register_viewing_right(ViewingSession.Kind.JUROR, permissions.juror_may_still_view)
        register_replacement_lock("judged", selectors.judged_lock)
        register_replacement_lock("awarded", selectors.awarded_lock)
        register_withdrawal_stake(selectors.award_stake)
        register_entry_sections(team_feedback.entry_sections)
        register_edition_copier(editions.copy_rounds)
        register_team_notices(team_feedback.team_notices)
        register_planned_uses(selectors.planned_jury_viewing)
        register_message_group(
            "jurors_unfinished", _("jurors with films still to review"), selectors.jurors_with_unfinished_reviews
        )
        EVENT_LABELS.update(
            {
                "round_created": _("round created"),
                "warning_pace_set": _("a juror set their pace for films with a content warning"),
                "round_updated": _("round changed"),
                "criterion_added": _("criterion added"),
                "criterion_anchors_changed": _("a criterion's anchors reworded"),
                "round_juror_added": _("juror added to a round"),
                "round_juror_removed": _("juror removed from a round"),
                "assignment_run": _("jurors assigned"),
                "assignment_added": _("juror assigned to an entry"),
                "assignments_imported": _("assignments changed from a file"),
                "assignment_removed": _("juror unassigned from an entry"),
                "conflict_declared": _("conflict of interest declared"),
                "conflict_withdrawn": _("conflict of interest withdrawn"),
                "score_changed": _("score changed"),
                "review_submitted": _("review submitted"),
                "review_resubmitted": _("review submitted again"),
                "shortlist_set": _("shortlist set"),
                "award_recorded": _("prize awarded"),
                "award_changed": _("prize changed"),
                "award_removed": _("prize withdrawn"),
                "juror_capacity_set": _("a juror's number of films set"),
                "assignment_wishes_set": _("a juror's wishes about films given"),
                "president_named": _("jury president named"),
                "deliberation_opened": _("deliberation opened"),
                "deliberation_entry": _("film put up for discussion"),
                "deliberation_decision": _("deliberation decision recorded"),
                "deliberation_closed": _("deliberation closed"),
                "discussion_posted": _("message in a jury discussion"),
                "vote_prepared": _("final vote prepared"),
                "vote_opened": _("final vote opened"),
                "ballot_cast": _("ballot cast"),
                "vote_closed": _("final vote closed"),
                "juror_mail_preference_set": _("jury reminders turned on or off"),
                "feedback_scheduled": _("publication of the jury's feedback planned"),
                "feedback_unscheduled": _("publication of the jury's feedback cancelled"),
                "feedback_edited": _("a comment to a team reworded"),
                "feedback_held": _("a comment to a team held back"),
                "feedback_restored": _("a comment to a team restored as the juror wrote it"),
            }
        )
