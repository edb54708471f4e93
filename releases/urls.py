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
    path(f"{film}media/", views.release_media, {"kind": "film"}, name="film_media"),
    path(f"{film}subtitles/", views.release_media, {"kind": "subtitles"}, name="film_subtitles"),
    path(f"{film}poster/", views.release_media, {"kind": "poster"}, name="poster"),
    path("s/<str:token>/", views.share, name="share"),
    path("s/<str:token>/media/", views.share_media, {"kind": "film"}, name="share_film"),
    path("s/<str:token>/subtitles/", views.share_media, {"kind": "subtitles"}, name="share_subtitles"),
    path("s/<str:token>/poster/", views.share_media, {"kind": "poster"}, name="share_poster"),
    path(organiser, views.organiser_calendar, name="organiser_calendar"),
    path(f"{organiser}preview/", views.organiser_preview, name="organiser_preview"),
    path(f"{organiser}community/", views.organiser_community, name="organiser_community"),
    path(f"{organiser}<uuid:public_id>/", views.organiser_release, name="organiser_release"),
    path(
        f"{organiser}<uuid:public_id>/unpublish/",
        views.organiser_release_unpublish_confirm,
        name="organiser_release_unpublish_confirm",
    ),
    path(
        f"{organiser}<uuid:public_id>/links/<int:link_id>/revoke/",
        views.organiser_share_link_revoke_confirm,
        name="organiser_share_link_revoke_confirm",
    ),
    path("c/<slug:contest_slug>/team/releases/<uuid:public_id>/", views.team_release, name="team_release"),
]
