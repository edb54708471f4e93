from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AudienceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audience"

    def ready(self):
        from contest.editions import register_edition_copier
        from contest.models import EVENT_LABELS
        from contest.selectors import register_showcase
        from judging.award_proposals import register_award_proposal

        from . import editions, selectors

        register_award_proposal(selectors.award_proposal)
        register_showcase(selectors.open_votes)
        register_edition_copier(editions.copy_votes)
        EVENT_LABELS.update(
            {
                "audience_vote_set": _("audience vote set up"),
                "audience_vote_removed": _("audience vote removed"),
                "audience_vote_closed": _("audience vote closed before its planned time"),
                "audience_ballots_voided": _("audience votes voided"),
            }
        )
