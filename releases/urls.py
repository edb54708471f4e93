"""Included at the site root (config/urls.py): public pages under /palmares/, share links under /s/, organiser
and team tools under /c/<contest_slug>/."""

from django.urls import path

from . import views

app_name = "releases"

film = "palmares/<slug:contest_slug>/films/<uuid:public_id>/"
organiser = "c/<slug:contest_slug>/organiser/releases/"
urlpatterns = [
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("palmares/title-card.png", views.title_card, name="title_card"),
    path("palmares/<slug:contest_slug>/", views.palmares, name="palmares"),
    path("palmares/<slug:contest_slug>/feed.atom", views.feed, name="feed"),
    path("palmares/<slug:contest_slug>/subscribe/", views.subscribe, name="subscribe"),
    path("palmares/<slug:contest_slug>/films/", views.film_list, name="film_list"),
    path(film, views.announcement, name="announcement"),
    path(f"{film}watch/", views.film, name="film"),
    path(f"{film}media/", views.film_media, name="film_media"),
    path(f"{film}poster/", views.poster, name="poster"),
    path("s/<str:token>/", views.share, name="share"),
    path(organiser, views.organiser_calendar, name="organiser_calendar"),
    path(f"{organiser}preview/", views.organiser_preview, name="organiser_preview"),
    path(f"{organiser}community/", views.organiser_community, name="organiser_community"),
    path(f"{organiser}<uuid:public_id>/", views.organiser_release, name="organiser_release"),
    path("c/<slug:contest_slug>/team/releases/<uuid:public_id>/", views.team_release, name="team_release"),
]
