from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "releases"

    def ready(self):
        from contest.permissions import register_edit_review

        from . import page_cache, selectors

        page_cache.connect()
        register_edit_review(selectors.is_announced_beyond_jury)
