"""Included by config/urls.py under c/<contest_slug>/. Pages answer GET; each action posts to its own URL."""

from django.urls import path

from . import organiser_views, views

app_name = "audience"

VOTE = "vote/<int:vote_id>/"
ORGANISER = "organiser/audience/"

urlpatterns = [
    path(VOTE, views.vote_page, name="vote"),
    path(f"{VOTE}verify/", views.request_link, name="request_link"),
    path(f"{VOTE}ballot/", views.cast_ballot, name="cast"),
    path("vote/confirm/<str:token>/", views.confirm, name="confirm"),
    path(ORGANISER, organiser_views.audience_home, name="organiser"),
    path(f"{ORGANISER}prizes/<int:prize_id>/set/", organiser_views.set_vote, name="set_vote"),
    path(f"{ORGANISER}prizes/<int:prize_id>/remove/", organiser_views.remove_vote, name="remove_vote"),
    path(f"{ORGANISER}votes/<int:vote_id>/", organiser_views.results, name="results"),
    path(f"{ORGANISER}votes/<int:vote_id>/close/", organiser_views.close, name="close"),
    path(f"{ORGANISER}votes/<int:vote_id>/void/", organiser_views.void, name="void"),
]
