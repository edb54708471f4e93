from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"

    def ready(self):
        from contest.models import EVENT_LABELS

        EVENT_LABELS.update(
            {
                "personal_data_exported": _("personal data exported"),
                "team_erased": _("team's personal data erased"),
            }
        )
