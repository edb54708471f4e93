from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from django.views.i18n import set_language

from contest import invitation_views
from contest import views as contest_views
from media_pipeline import delivery
from media_pipeline import screener_views as screener
from operations import views as operations_views

urlpatterns = [
    path("", contest_views.home, name="home"),
    path("favicon.ico", operations_views.favicon, name="favicon"),
    path("healthz", operations_views.healthz, name="healthz"),
    path("readyz", operations_views.readyz, name="readyz"),
    path("metrics", operations_views.metrics_view, name="metrics"),
    # Changing the interface language needs no CSRF token: the worst a forged request does is switch a visitor's
    # language, and a token in every page's header would make each page unique to its visitor (see
    # releases/page_cache.py, which shares anonymous public pages).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # Invitations belong to contest; their links keep the address they were mailed with.
    path("accounts/invitations/<str:token>/", invitation_views.accept_invitation_view, name="accept_invitation"),
    path("accounts/", include("accounts.urls")),
    # The admin logs in through the site's login, so lockout and two-factor apply there too.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True), name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),  # organiser API, /api/schema/, /api/docs/, /api/tokens/
    path("media/<str:token>/", delivery.media_delivery, name="media_delivery"),  # signed, local storage mode only
    # A viewing session's playlists and segments (HLS), bound to its browser session and checked at every request.
    path("screen/<str:token>/index.m3u8", screener.master, name="screener_master"),
    path("screen/<str:token>/<int:lines>.m3u8", screener.rung, name="screener_rung"),
    path("screen/<str:token>/<int:lines>/<int:index>.ts", screener.segment, name="screener_segment"),
    path("screen/<str:token>/audio.m3u8", screener.audio, name="screener_audio"),
    path("screen/<str:token>/audio/<int:index>.ts", screener.audio_segment, name="screener_audio_segment"),
    path("", include("releases.urls")),  # /palmares/, /s/<token>/, /sitemap.xml, /c/<slug>/organiser/releases/
    path("c/<slug:contest_slug>/", include("judging.urls")),  # jury/ and organiser/judging/, before contest
    path("c/<slug:contest_slug>/", include("contest.urls")),
    path("c/<slug:contest_slug>/", include("media_pipeline.urls")),
    path("c/<slug:contest_slug>/", include("audience.urls")),  # vote/ and organiser/audience/
    path("c/<slug:contest_slug>/", include("privacy.urls")),  # organiser/personal-data/
]
