"""Included by config/urls.py under c/<contest_slug>/, before the contest app's own patterns."""

from django.urls import path

from . import views

urlpatterns = [
    # Jurors
    path("jury/", views.jury_home, name="jury_home"),
    path("jury/conflicts/", views.jury_conflicts, name="jury_conflicts"),
    path("jury/rounds/<int:round_id>/", views.jury_queue, name="jury_queue"),
    path("jury/rounds/<int:round_id>/entries/<str:code>/", views.jury_entry, name="jury_entry"),
    path("jury/rounds/<int:round_id>/entries/<str:code>/autosave/", views.jury_autosave, name="jury_autosave"),
    path("jury/rounds/<int:round_id>/entries/<str:code>/watched/", views.jury_watched, name="jury_watched"),
    path(
        "jury/rounds/<int:round_id>/entries/<str:code>/conflict/", views.jury_entry_conflict, name="jury_entry_conflict"
    ),
    # Organisers
    path("organiser/judging/", views.judging_dashboard, name="judging_dashboard"),
    path("organiser/judging/rounds/<int:round_id>/", views.round_detail, name="judging_round"),
    path("organiser/judging/rounds/<int:round_id>/results/", views.round_results, name="judging_results"),
    path(
        "organiser/judging/rounds/<int:round_id>/entries/<str:code>/",
        views.round_entry,
        name="judging_round_entry",
    ),
    path(
        "organiser/judging/rounds/<int:round_id>/<str:what>.<str:fmt>",
        views.round_export,
        name="judging_round_export",
    ),
    path("organiser/judging/awards/", views.awards, name="judging_awards"),
    path("organiser/judging/awards.<str:fmt>", views.awards_export, name="judging_awards_export"),
]
