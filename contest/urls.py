from django.urls import path

from . import consent_views, organiser_views, passage_views, views

urlpatterns = [
    path("", views.contest_detail, name="contest_detail"),
    path("register/", views.register_team, name="register_team"),
    path("team/", views.team_dashboard, name="team_dashboard"),
    path("team/<int:team_id>/invite/", views.team_invite, name="team_invite"),
    path("team/entries/new/", views.entry_create, name="entry_create"),
    path("team/entries/<uuid:public_id>/", views.entry_detail, name="entry_detail"),
    path("team/entries/<uuid:public_id>/edit/", views.entry_edit, name="entry_edit"),
    path("team/entries/<uuid:public_id>/submit/", views.entry_submit, name="entry_submit"),
    path("team/entries/<uuid:public_id>/withdraw/", views.entry_withdraw, name="entry_withdraw"),
    path("team/entries/<uuid:public_id>/people/add/", consent_views.entry_person_add, name="entry_person_add"),
    path(
        "team/entries/<uuid:public_id>/people/<int:person_id>/remove/",
        consent_views.entry_person_remove,
        name="entry_person_remove",
    ),
    path(
        "team/entries/<uuid:public_id>/people/<int:person_id>/link/",
        consent_views.entry_person_link,
        name="entry_person_link",
    ),
    path("team/entries/<uuid:public_id>/passages/add/", passage_views.entry_passage_add, name="entry_passage_add"),
    path("team/entries/<uuid:public_id>/credits/", passage_views.entry_credits, name="entry_credits"),
    path(
        "team/entries/<uuid:public_id>/passages/<int:passage_id>/remove/",
        passage_views.entry_passage_remove,
        name="entry_passage_remove",
    ),
    path("consent/", consent_views.consent_new_link, name="consent_new_link"),
    path("consent/<str:token>/", consent_views.consent, name="consent"),
    path(
        "organiser/entries/<uuid:public_id>/people/<int:person_id>/waive/",
        consent_views.organiser_person_waive,
        name="organiser_person_waive",
    ),
    path(
        "team/entries/<uuid:public_id>/withdraw/confirm/", views.entry_withdraw_confirm, name="entry_withdraw_confirm"
    ),
    path("organiser/", organiser_views.organiser_dashboard, name="organiser_dashboard"),
    path("organiser/new-edition/", organiser_views.organiser_new_edition, name="organiser_new_edition"),
    path("organiser/messages/", organiser_views.organiser_messages, name="organiser_messages"),
    path("organiser/messages/send/", organiser_views.organiser_send_message, name="organiser_send_message"),
    path("organiser/messages/<int:message_id>/", organiser_views.organiser_message, name="organiser_message"),
    path("organiser/import/", organiser_views.organiser_import, name="organiser_import"),
    path("organiser/import/preview/", organiser_views.organiser_import_preview, name="organiser_import_preview"),
    path("organiser/import/confirm/", organiser_views.organiser_import_confirm, name="organiser_import_confirm"),
    path("organiser/new-edition/create/", organiser_views.organiser_create_edition, name="organiser_create_edition"),
    path("organiser/entries.csv", organiser_views.organiser_entries_csv, name="organiser_entries_csv"),
    path("organiser/entries/<uuid:public_id>/", organiser_views.organiser_entry, name="organiser_entry"),
    path(
        "organiser/entries/<uuid:public_id>/disqualify/",
        organiser_views.organiser_entry_disqualify,
        name="organiser_entry_disqualify",
    ),
    path(
        "organiser/entries/<uuid:public_id>/film/accept/",
        organiser_views.organiser_entry_accept_film,
        name="organiser_entry_accept_film",
    ),
    path(
        "organiser/entries/<uuid:public_id>/film/unaccept/",
        organiser_views.organiser_entry_unaccept_film,
        name="organiser_entry_unaccept_film",
    ),
    path(
        "organiser/entries/<uuid:public_id>/disqualify/confirm/",
        organiser_views.organiser_entry_disqualify_confirm,
        name="organiser_entry_disqualify_confirm",
    ),
    path(
        "organiser/entries/<uuid:public_id>/reinstate/",
        organiser_views.organiser_entry_reinstate,
        name="organiser_entry_reinstate",
    ),
    path(
        "organiser/entries/<uuid:public_id>/reinstate/confirm/",
        organiser_views.organiser_entry_reinstate_confirm,
        name="organiser_entry_reinstate_confirm",
    ),
    path("organiser/edits/", organiser_views.organiser_edits, name="organiser_edits"),
    path(
        "organiser/edits/<int:edit_id>/approve/", organiser_views.organiser_edit_approve, name="organiser_edit_approve"
    ),
    path("organiser/edits/<int:edit_id>/refuse/", organiser_views.organiser_edit_refuse, name="organiser_edit_refuse"),
    path("organiser/teams/<int:team_id>/extension/", organiser_views.organiser_extension, name="organiser_extension"),
    path(
        "organiser/teams/<int:team_id>/approve/", organiser_views.organiser_team_approve, name="organiser_team_approve"
    ),
    path("organiser/teams/<int:team_id>/refuse/", organiser_views.organiser_team_refuse, name="organiser_team_refuse"),
    path(
        "organiser/registration/", organiser_views.organiser_reopen_registration, name="organiser_reopen_registration"
    ),
    path("organiser/jurors/invite/", organiser_views.organiser_invite_juror, name="organiser_invite_juror"),
]
