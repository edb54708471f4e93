from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Organiser API"

    def ready(self):
        from contest.models import EVENT_LABELS

        from . import schema  # noqa: F401  (registers the token scheme with drf-spectacular)

        EVENT_LABELS.update({"api_token_created": _("API token created"), "api_token_revoked": _("API token revoked")})
