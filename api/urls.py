"""Included by config/urls.py under api/: the organiser API, its OpenAPI schema and docs, and the token page."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import token_views, views

app_name = "api"

contest = "contests/<slug:contest_slug>/"
round = f"{contest}rounds/<int:round_id>/"
release = f"{contest}releases/<uuid:public_id>/"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path("tokens/", token_views.tokens, name="tokens"),
    path("tokens/create/", token_views.create_token, name="token_create"),
    path("tokens/revoke/", token_views.revoke_token, name="token_revoke"),
    path("tokens/<int:token_id>/revoke/", token_views.token_revoke_confirm, name="token_revoke_confirm"),
    path("contests/", views.ContestList.as_view(), name="contest_list"),
    path(contest, views.ContestDetail.as_view(), name="contest_detail"),
    path(f"{contest}entries/", views.EntryList.as_view(), name="entry_list"),
    path(f"{contest}entries/<uuid:public_id>/", views.EntryDetail.as_view(), name="entry_detail"),
    path(f"{contest}rounds/", views.RoundList.as_view(), name="round_list"),
    path(f"{round}assignments/", views.AssignmentList.as_view(), name="assignment_list"),
    path(f"{round}scores/", views.ScoreList.as_view(), name="score_list"),
    path(f"{round}results/", views.RoundResults.as_view(), name="round_results"),
    path(f"{contest}awards/", views.AwardList.as_view(), name="award_list"),
    path(f"{contest}awards/<int:award_id>/", views.AwardDetail.as_view(), name="award_detail"),
    path(f"{contest}releases/", views.ReleaseList.as_view(), name="release_list"),
    path(release, views.ReleaseDetail.as_view(), name="release_detail"),
    path(f"{release}steps/", views.StepList.as_view(), name="step_list"),
    path(f"{release}steps/<int:step_id>/cancel/", views.StepCancel.as_view(), name="step_cancel"),
    path(f"{release}unpublish/", views.ReleaseUnpublish.as_view(), name="release_unpublish"),
]
