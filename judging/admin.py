from django.contrib import admin

from contest.admin import ReadOnlyAdmin

from .models import Assignment, Award, Conflict, ContentOptOut, Criterion, Review, Round, RoundJuror, Score, Shortlist


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "contest", "order", "opens_at", "closes_at", "jurors_per_entry", "source"]
    list_filter = ["contest"]
    inlines = [CriterionInline]


@admin.register(RoundJuror)
class RoundJurorAdmin(admin.ModelAdmin):
    list_display = ["round", "user", "active"]
    list_filter = ["round__contest", "active"]


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["contest", "juror", "kind", "entry", "team", "institution", "created_at"]
    list_filter = ["contest", "kind"]


@admin.register(ContentOptOut)
class ContentOptOutAdmin(admin.ModelAdmin):
    list_display = ["contest", "juror", "content_warning"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    """Read-only: assignments change through the organiser pages so that every change is audited."""

    list_display = ["round", "juror", "entry", "manual", "created_at"]
    list_filter = ["round"]
    raw_id_fields = ["entry", "juror", "created_by"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["assignment", "status", "watched_seconds", "duration_seconds", "flagged_unwatched", "submitted_at"]
    list_filter = ["status", "flagged_unwatched"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "criterion", "value"]


@admin.register(Shortlist)
class ShortlistAdmin(admin.ModelAdmin):
    list_display = ["round", "entry", "created_at"]


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["prize", "entry", "decided_by", "decided_at"]
    list_filter = ["contest"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
