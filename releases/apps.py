from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "releases"

    def ready(self):
        from contest.consents import register_planned_uses
        from contest.editions import register_edition_copier
        from contest.group_messages import register_message_group
        from contest.models import EVENT_LABELS
        from contest.permissions import register_edit_review
        from contest.selectors import register_showcase, register_team_notices, register_withdrawal_stake
        from media_pipeline.models import ViewingSession
        from media_pipeline.replacement_locks import register_replacement_lock
        from media_pipeline.viewing_rights import register_viewing_right

        from . import page_cache, permissions, release_templates, selectors

        page_cache.connect()
        register_edit_review(selectors.is_announced_beyond_jury)
        register_withdrawal_stake(selectors.announcement_stake)
        register_team_notices(selectors.team_release_notices)
        register_replacement_lock("released", permissions.released_lock)
        register_showcase(selectors.contest_showcase)
        register_edition_copier(release_templates.copy_templates)
        register_planned_uses(selectors.planned_film_uses)
        register_message_group(
            "release_subscribers", _("people who follow the palmarès by mail"), selectors.release_subscribers
        )
        for kind in (ViewingSession.Kind.PUBLIC, ViewingSession.Kind.SHARE, ViewingSession.Kind.COMMUNITY):
            register_viewing_right(kind, selectors.release_may_still_view)
        EVENT_LABELS.update(
            {
                "release_created": _("release created"),
                "release_step_added": _("release step added"),
                "release_step_cancelled": _("release step cancelled"),
                "release_unpublished": _("release unpublished"),
                "film_approval_given": _("team approved showing the film"),
                "film_approval_withdrawn": _("team withdrew its approval of showing the film"),
                "team_name_choice": _("team changed whether its name is shown"),
                "share_link_created": _("share link created"),
                "share_link_revoked": _("share link revoked"),
                "community_member_added": _("community member invited"),
                "community_member_removed": _("community member removed"),
                "content_opt_outs_set": _("content warnings a viewer opts out of changed"),
                "release_template_created": _("release template created"),
                "release_template_changed": _("release template changed"),
                "release_template_deleted": _("release template deleted"),
                "release_template_applied": _("release template applied"),
            }
        )
