from django.contrib import admin, messages

from . import services
from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owner on /api/tokens/ (the secret is shown there once); here they can be
    reviewed and revoked."""

    list_display = ["prefix", "label", "user", "scopes", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["label", "user__email", "prefix"]
    readonly_fields = ["user", "label", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"]
    exclude = ["secret_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset:
            services.revoke_token(token=token, by=request.user)
        messages.success(request, f"{queryset.count()} token(s) revoked.")
