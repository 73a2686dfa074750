from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from policies.models import Membership

from .models import User


class BoardAdminAccess:
    """Board admins manage agencies and people in the admin site, without being superusers."""

    def _allowed(self, request) -> bool:
        return request.user.is_active and (request.user.is_board_admin or request.user.is_superuser)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, *args):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


class MembershipInline(BoardAdminAccess, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


class PersonCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class PersonChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BoardAdminAccess, BaseUserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    ordering = ["full_name"]
    list_display = [
        "full_name",
        "email",
        "is_board_admin",
        "is_reviewer",
        "is_moderator",
        "is_active",
    ]
    list_filter = ["is_board_admin", "is_reviewer", "is_moderator", "is_active"]
    search_fields = ["full_name", "email"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "full_name", "password")}),
        ("Board roles", {"fields": ("is_board_admin", "is_reviewer", "is_moderator")}),
        ("Status", {"fields": ("is_active", "last_login", "date_joined")}),
        ("Technical administration", {"fields": ("is_staff", "is_superuser")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
        ("Board roles", {"fields": ("is_board_admin", "is_reviewer", "is_moderator")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser may hand out technical administration.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser"]
        return fields
