from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Organiser API"

    def ready(self):
        from . import schema  # noqa: F401  (registers the token scheme with drf-spectacular)
