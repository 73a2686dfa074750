from django.contrib import admin

from accounts.admin import BoardAdminAccess

from .models import PolicyDocument, PolicyVersion

# Agencies and memberships are managed in the admin beside people, in people.admin.


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(BoardAdminAccess, admin.ModelAdmin):
    """Read-only: policies are uploaded by agencies through the app, where they are checked."""

    list_display = ["title", "agency", "kind", "created_at"]
    list_filter = ["kind", "agency"]
    search_fields = ["title", "agency__name"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PolicyVersion)
class PolicyVersionAdmin(PolicyDocumentAdmin):
    list_display = ["document", "number", "version_label", "status", "uploaded_at"]
    list_filter = ["status", "file_kind"]
    search_fields = ["document__title", "sha256"]
