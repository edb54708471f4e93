from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"

    def ready(self):
        from media_pipeline.signals import film_received

        from . import (
            metrics,
            signals,  # noqa: F401  (Celery request-id propagation)
        )

        film_received.connect(metrics.count_received_film, dispatch_uid="operations.metrics.count_received_film")
