from django.apps import AppConfig


class JudgingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "judging"

    def ready(self):
        from . import selectors

        selectors.register_source_provider(selectors.pipeline_sources)
