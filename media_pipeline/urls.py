"""Included under /c/<contest_slug>/ (config/urls.py), beside contest.urls."""

from django.urls import path

from . import pipeline_views, replacement_views, screener_views, trace_views, views

app_name = "media_pipeline"

entry = "team/entries/<uuid:public_id>/uploads/"
urlpatterns = [
    path(entry, views.upload_create, name="upload_create"),
    path(f"{entry}<uuid:upload_id>/", views.upload_abort, name="upload_abort"),
    path(f"{entry}<uuid:upload_id>/parts/", views.upload_parts, name="upload_parts"),
    path(f"{entry}<uuid:upload_id>/parts/<int:part_number>/", views.upload_sign_part, name="upload_sign_part"),
    path(f"{entry}<uuid:upload_id>/parts/sign/", views.upload_sign_parts, name="upload_sign_parts"),
    path(f"{entry}<uuid:upload_id>/complete/", views.upload_complete, name="upload_complete"),
    path("uploads/part/<str:token>/", views.upload_part_data, name="upload_part_data"),
    path("team/entries/<uuid:public_id>/film/status/", pipeline_views.film_status, name="film_status"),
    path("team/entries/<uuid:public_id>/film/screener.m3u8", screener_views.film_screener, name="film_screener"),
    path(
        "team/entries/<uuid:public_id>/film/replacement-request/",
        replacement_views.replacement_request,
        name="replacement_request",
    ),
    path(
        "organiser/replacements/<int:request_id>/approve/",
        replacement_views.replacement_approve,
        name="replacement_approve",
    ),
    path(
        "organiser/replacements/<int:request_id>/refuse/",
        replacement_views.replacement_refuse,
        name="replacement_refuse",
    ),
    path("organiser/pipeline/", pipeline_views.pipeline_page, name="pipeline"),
    path("organiser/traces/", trace_views.traces, name="traces"),
    path("organiser/traces/<uuid:trace_id>/", trace_views.trace, name="trace"),
    path("organiser/traces/screening-notice/", trace_views.screening_notice, name="screening_notice"),
    path("organiser/pipeline/<int:film_id>/retry/", pipeline_views.pipeline_retry, name="pipeline_retry"),
    path(
        "organiser/pipeline/screeners/retry/",
        pipeline_views.pipeline_retry_screeners,
        name="pipeline_retry_screeners",
    ),
]
