import hmac
import logging
import os

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from contest.models import Entry
from media_pipeline.models import Film

from . import metrics

logger = logging.getLogger(__name__)


@require_safe
def favicon(request):
    """Browsers and crawlers ask for /favicon.ico whatever a page's <link rel="icon"> says."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@never_cache
def healthz(request):
    """The process is up and answers. Touches nothing else."""
    return HttpResponse("ok\n", content_type="text/plain")


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker() -> None:
    client = metrics.redis_client()
    if client is not None:
        client.ping()
        return
    folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
    if not os.access(folder, os.W_OK):
        raise OSError(f"broker folder {folder} is not writable")


def _check_storage() -> None:
    if settings.S3_BUCKET:
        default_storage.connection.meta.client.head_bucket(Bucket=settings.S3_BUCKET)
    else:
        os.makedirs(settings.MEDIA_ROOT, exist_ok=True)
        if not os.access(settings.MEDIA_ROOT, os.W_OK):
            raise OSError(f"{settings.MEDIA_ROOT} is not writable")


@never_cache
def readyz(request):
    """Database, broker (Redis) and storage reachable: 200; otherwise 503 naming what failed."""
    checks = {"database": _check_database, "redis": _check_broker, "storage": _check_storage}
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as error:  # noqa: BLE001 -- any failure means not ready; say which
            logger.warning("readiness check %s failed: %s", name, error)
            results[name] = "failed"
        else:
            results[name] = "ok"
    ready = all(value == "ok" for value in results.values())
    return JsonResponse({"ready": ready, "checks": results}, status=200 if ready else 503)


@never_cache
def metrics_view(request):
    """Prometheus scrape endpoint, behind a bearer token (METRICS_TOKEN); without one it does not exist."""
    token = settings.METRICS_TOKEN
    supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(supplied.encode(), token.encode()):
        raise Http404

    gauges = {
        "palmares_entries": [
            ({"status": row["status"]}, row["n"]) for row in Entry.objects.values("status").annotate(n=Count("id"))
        ]
    }
    gauges["palmares_films"] = [
        ({"state": row["state"]}, row["n"])
        for row in Film.objects.filter(replaced_at__isnull=True).values("state").annotate(n=Count("id"))
    ]
    return HttpResponse(metrics.render(gauges=gauges), content_type="text/plain; version=0.0.4")
