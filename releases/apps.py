from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "releases"

    def ready(self):
        from contest.permissions import register_edit_review
        from contest.selectors import register_showcase, register_team_notices, register_withdrawal_stake
        from media_pipeline.replacement_locks import register_replacement_lock

        from . import page_cache, permissions, selectors

        page_cache.connect()
        register_edit_review(selectors.is_announced_beyond_jury)
        register_withdrawal_stake(selectors.announcement_stake)
        register_team_notices(selectors.team_release_notices)
        register_replacement_lock("released", permissions.released_lock)
        register_showcase(selectors.contest_showcase)
