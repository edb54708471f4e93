"""Included by config/urls.py under c/<contest_slug>/."""

from django.urls import path

from . import views

urlpatterns = [
    path("organiser/personal-data/", views.personal_data, name="personal_data"),
    path("organiser/personal-data/people/<int:user_id>.json", views.export_person, name="personal_data_export"),
    path("organiser/personal-data/teams/<int:team_id>/erase/", views.erase_team, name="personal_data_erase"),
    path(
        "organiser/personal-data/teams/<int:team_id>/erase/confirm/",
        views.erase_team_confirm,
        name="personal_data_erase_confirm",
    ),
]
