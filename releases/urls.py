"""Included at the site root (config/urls.py): public pages under /palmares/, share links under /s/, organiser
and team tools under /c/<contest_slug>/. Pages answer GET; each action posts to its own URL."""

from django.urls import path

from . import organiser_views, views

app_name = "releases"

film = "palmares/<slug:contest_slug>/films/<uuid:public_id>/"
organiser = "c/<slug:contest_slug>/organiser/releases/"
release = f"{organiser}<uuid:public_id>/"
template = f"{organiser}templates/<int:template_id>/"
team_release = "c/<slug:contest_slug>/team/releases/<uuid:public_id>/"
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
    path(f"{film}screener.m3u8", views.release_screener, name="film_screener"),
    path(f"{film}subtitles/", views.release_media, {"kind": "subtitles"}, name="film_subtitles"),
    path(f"{film}poster/", views.release_media, {"kind": "poster"}, name="poster"),
    path("s/<str:token>/", views.share, name="share"),
    path("s/<str:token>/media/", views.share_media, {"kind": "film"}, name="share_film"),
    path("s/<str:token>/screener.m3u8", views.share_screener, name="share_screener"),
    path("s/<str:token>/subtitles/", views.share_media, {"kind": "subtitles"}, name="share_subtitles"),
    path("s/<str:token>/poster/", views.share_media, {"kind": "poster"}, name="share_poster"),
    path(organiser, organiser_views.organiser_calendar, name="organiser_calendar"),
    path(f"{organiser}create/", organiser_views.organiser_release_create, name="organiser_release_create"),
    path(f"{organiser}preview/", organiser_views.organiser_preview, name="organiser_preview"),
    path(f"{organiser}community/", organiser_views.organiser_community, name="organiser_community"),
    path(
        f"{organiser}community/invite/",
        organiser_views.invite_community_members,
        name="organiser_community_invite_members",
    ),
    path(
        f"{organiser}community/remove/",
        organiser_views.remove_community_member,
        name="organiser_community_remove_member",
    ),
    path(f"{organiser}templates/", organiser_views.organiser_templates, name="organiser_templates"),
    path(f"{organiser}templates/create/", organiser_views.create_template, name="organiser_template_create"),
    path(f"{template}", organiser_views.organiser_template, name="organiser_template"),
    path(f"{template}steps/add/", organiser_views.add_template_step, name="organiser_template_add_step"),
    path(f"{template}steps/remove/", organiser_views.remove_template_step, name="organiser_template_remove_step"),
    path(f"{template}delete/", organiser_views.delete_template, name="organiser_template_delete"),
    path(f"{release}", organiser_views.organiser_release, name="organiser_release"),
    path(f"{release}templates/apply/", organiser_views.apply_template, name="organiser_release_apply_template"),
    path(f"{release}steps/add/", organiser_views.add_step, name="organiser_release_add_step"),
    path(f"{release}steps/cancel/", organiser_views.cancel_step, name="organiser_release_cancel_step"),
    path(
        f"{release}unpublish/",
        organiser_views.organiser_release_unpublish_confirm,
        name="organiser_release_unpublish_confirm",
    ),
    path(f"{release}unpublish/now/", organiser_views.unpublish_release, name="organiser_release_unpublish"),
    path(f"{release}links/create/", organiser_views.create_share_link, name="organiser_release_create_link"),
    path(
        f"{release}links/<int:link_id>/revoke/",
        organiser_views.organiser_share_link_revoke_confirm,
        name="organiser_share_link_revoke_confirm",
    ),
    path(f"{release}links/revoke/", organiser_views.revoke_share_link, name="organiser_release_revoke_link"),
    path(team_release, views.team_release, name="team_release"),
    path(f"{team_release}approve/", views.team_release_approve, name="team_release_approve"),
    path(
        f"{team_release}withdraw-approval/", views.team_release_withdraw_approval, name="team_release_withdraw_approval"
    ),
    path(f"{team_release}team-name/", views.team_release_show_team_name, name="team_release_show_team_name"),
]
