from django.contrib import admin

from .models import CommunityMember, NotificationSent, Release, ReleaseStep, ShareLink


class ReleaseStepInline(admin.TabularInline):
    model = ReleaseStep
    extra = 0
    can_delete = False
    # Steps change only through releases.services (audit log, consent gate): read-only here.
    readonly_fields = [field.name for field in ReleaseStep._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["entry", "contest", "show_team_name", "created_at"]
    list_filter = ["contest"]
    readonly_fields = ["contest", "entry", "show_team_name", "created_by", "created_at"]
    inlines = [ReleaseStepInline]


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ["label", "release", "expires_at", "max_views", "view_count", "revoked_at"]
    readonly_fields = ["token_hash", "view_count"]


@admin.register(CommunityMember)
class CommunityMemberAdmin(admin.ModelAdmin):
    list_display = ["email", "contest", "created_at"]
    list_filter = ["contest"]


@admin.register(NotificationSent)
class NotificationSentAdmin(admin.ModelAdmin):
    list_display = ["step", "recipient", "sent_at"]
