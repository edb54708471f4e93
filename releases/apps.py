from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "releases"

    def ready(self):
        from media_pipeline.replacement_locks import register_replacement_lock

        from . import page_cache, permissions

        page_cache.connect()
        register_replacement_lock("released", permissions.released_lock)
