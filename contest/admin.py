from django.contrib import admin

from .models import (
    AuditEvent,
    ContentWarning,
    Contest,
    ContestRole,
    Entry,
    Institution,
    Invitation,
    Prize,
    SupportResource,
    Team,
    TeamMember,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only services write (so that every change is audited): the admin lists and shows them, nothing more."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ContentWarningInline(admin.TabularInline):
    model = ContentWarning
    extra = 0


class SupportResourceInline(admin.TabularInline):
    model = SupportResource
    extra = 0


class PrizeInline(admin.TabularInline):
    model = Prize
    extra = 0


class ContestRoleInline(admin.TabularInline):
    model = ContestRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Contest)
class ContestAdmin(admin.ModelAdmin):
    list_display = ["title_fr", "slug", "opens_at", "closes_at", "time_zone"]
    prepopulated_fields = {"slug": ["title_fr"]}
    filter_horizontal = ["institutions"]
    inlines = [ContestRoleInline, ContentWarningInline, SupportResourceInline, PrizeInline]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "contest", "institution", "deadline_extended_to"]
    list_filter = ["contest", "institution"]
    search_fields = ["name"]
    inlines = [TeamMemberInline]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """Read-mostly: states change through the organiser pages, which write the audit log and mail the team."""

    list_display = ["title", "code", "team", "status", "film_accepted", "submitted_at"]
    list_filter = ["contest", "status", "film_accepted"]
    search_fields = ["title", "code", "team__name"]
    readonly_fields = ["public_id", "code", "status", "submitted_at", "film_accepted", "disqualification_reason"]
    filter_horizontal = ["content_warnings"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "verb", "contest", "entry"]
    list_filter = ["verb", "contest"]
    readonly_fields = [field.name for field in AuditEvent._meta.fields]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "contest", "team", "created_at", "expires_at", "accepted_at"]
    list_filter = ["kind", "contest"]
    exclude = ["token_hash"]
    readonly_fields = ["accepted_at", "accepted_by"]
