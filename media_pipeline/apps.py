from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaPipelineConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "media_pipeline"

    def ready(self):
        from contest.blind_leaks import register_leak_places
        from contest.models import EVENT_LABELS
        from contest.selectors import register_team_notices

        from .models import ViewingSession
        from .screener_views import team_or_organiser_may_still_view
        from .selectors import film_leak_places
        from .status import team_film_notices
        from .viewing_rights import register_viewing_right

        register_team_notices(team_film_notices)
        register_leak_places(film_leak_places)
        register_viewing_right(ViewingSession.Kind.TEAM, team_or_organiser_may_still_view)
        register_viewing_right(ViewingSession.Kind.ORGANISER, team_or_organiser_may_still_view)

        EVENT_LABELS.update(
            {
                "upload_started": _("upload started"),
                "upload_aborted": _("upload cancelled"),
                "film_upload_refused": _("film refused before upload"),
                "film_replaced": _("accepted film replaced"),
                "replacement_requested": _("film replacement requested"),
                "replacement_approved": _("film replacement approved"),
                "replacement_refused": _("film replacement refused"),
                "leak_trace_requested": _("leaked copy sent for tracing"),
                "leak_traced": _("leaked copy traced"),
                "screening_notice_set": _("confidential screening notice turned on or off"),
            }
        )
