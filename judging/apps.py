from django.apps import AppConfig


class JudgingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "judging"

    def ready(self):
        from contest.selectors import register_withdrawal_stake
        from media_pipeline.replacement_locks import register_replacement_lock

        from . import selectors

        selectors.register_source_provider(selectors.pipeline_sources)
        register_replacement_lock("judged", selectors.judged_lock)
        register_replacement_lock("awarded", selectors.awarded_lock)
        register_withdrawal_stake(selectors.award_stake)
