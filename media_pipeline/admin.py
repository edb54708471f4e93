from django.contrib import admin

from .models import Film, Upload


@admin.register(Film)
class FilmAdmin(admin.ModelAdmin):
    list_display = ["entry", "state", "size", "uploaded_by", "created_at", "replaced_at"]
    list_filter = ["state"]
    search_fields = ["entry__title", "entry__code", "key", "original_name"]
    readonly_fields = [field.name for field in Film._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ["entry", "state", "declared_size", "created_by", "created_at", "finished_at"]
    list_filter = ["state"]
    search_fields = ["entry__title", "entry__code", "key", "original_name"]
    readonly_fields = [field.name for field in Upload._meta.fields]

    def has_add_permission(self, request):
        return False
