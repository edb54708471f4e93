from django.apps import AppConfig


class ContestConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "contest"

    def ready(self):
        from accounts.services import register_two_factor_offer
        from accounts.signals import account_event

        from . import group_messages, permissions, services  # noqa: F401  (group_messages registers its own group)

        account_event.connect(services.record_account_event, dispatch_uid="contest.record_account_event")
        register_two_factor_offer(permissions.is_organiser_anywhere)
