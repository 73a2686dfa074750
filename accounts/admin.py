from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from audit.models import AuditEvent
from audit.services import change_record, field_changes
from policies.models import Agency, Membership
from reviews.selectors_conflicts import reviews_in_conflict_with

from .models import User

Action = AuditEvent.Action

# What each kind of change is called in the audit trail: (added, changed, deleted).
ADMIN_ACTIONS = {
    "accounts.User": (Action.PERSON_CREATED, Action.PERSON_CHANGED, Action.PERSON_DELETED),
    "policies.Agency": (Action.AGENCY_CREATED, Action.AGENCY_CHANGED, Action.AGENCY_DELETED),
    "policies.Membership": (
        Action.MEMBERSHIP_ADDED,
        Action.RECORD_CHANGED,
        Action.MEMBERSHIP_ENDED,
    ),
}
OTHER_CHANGES = (Action.RECORD_CHANGED, Action.RECORD_CHANGED, Action.RECORD_CHANGED)
ADDED, CHANGED, DELETED = 0, 1, 2

# Never written to the trail: that a password was set is recorded, never the value or its hash.
SECRET_FIELDS = {"password"}


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def snapshot(obj) -> dict[str, Any]:
    """The record's own fields as plain values, secrets left out."""
    return {
        field.name: _plain(field.value_from_object(obj))
        for field in obj._meta.concrete_fields
        if field.name not in SECRET_FIELDS
    }


def related_snapshot(obj) -> dict[str, Any]:
    """The record's many-to-many links (a person's groups and permissions) by name."""
    if obj.pk is None:
        return {}
    return {
        field.name: sorted(str(linked) for linked in getattr(obj, field.name).all())
        for field in obj._meta.many_to_many
    }


def stored(obj):
    return type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk is not None else None


def _agency_of(obj, *, deleting: bool = False):
    if isinstance(obj, Agency):
        # An agency being deleted cannot be what its own record points at.
        return None if deleting else obj
    agency = getattr(obj, "agency", None)
    return agency if isinstance(agency, Agency) else None


class BoardAdminAccess:
    """The Django admin is the service's technical tool: superusers only, and every change made
    in it is written to the audit trail, marked as made in the admin. Board admins manage
    people, roles, memberships and agencies in the app's own pages.
    """

    def _allowed(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

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

    def _record(self, request, which: int, obj, changes: dict) -> None:
        action = ADMIN_ACTIONS.get(obj._meta.label, OTHER_CHANGES)[which]
        agency = _agency_of(obj, deleting=which == DELETED)
        if isinstance(obj, Membership) and which != CHANGED:
            # Recorded as the people pages record it: against the person, naming the agency.
            name = obj.agency.name
            changes = {
                "agency": {"from": None, "to": name}
                if which == ADDED
                else {"from": name, "to": None}
            }
            obj = obj.user
        change_record(
            action=action,
            obj=obj,
            changes=changes,
            request=request,
            agency=agency,
            route="admin",
        )

    def _record_saved(self, request, obj, before, before_password: str | None) -> None:
        self._record(
            request, CHANGED if before else ADDED, obj, field_changes(before, snapshot(obj))
        )
        password = getattr(obj, "password", None)
        if password is not None and password != before_password and obj.has_usable_password():
            change_record(
                action=Action.PASSWORD_SET,
                obj=obj,
                changes={"password": {"from": "not recorded", "to": "set"}},
                request=request,
                route="admin",
            )
        if isinstance(obj, Membership) and not before:
            self._warn_of_conflicts(request, obj)

    def _record_deleted(self, request, obj) -> None:
        self._record(
            request, DELETED, obj, field_changes(snapshot(obj), dict.fromkeys(snapshot(obj)))
        )

    def _warn_of_conflicts(self, request, membership: Membership) -> None:
        reviews = list(reviews_in_conflict_with(user=membership.user, agency=membership.agency))
        if reviews:
            messages.warning(
                request,
                f"{membership.user} now belongs to {membership.agency}, so cannot go on reviewing "
                f"or moderating its policy. Reassign: "
                + "; ".join(f"{review.cycle} ({review.get_state_display()})" for review in reviews),
            )

    def save_model(self, request, obj, form, change):
        previous = stored(obj) if change else None
        before = snapshot(previous) if previous is not None else {}
        super().save_model(request, obj, form, change)
        self._record_saved(request, obj, before, getattr(previous, "password", None))

    def save_related(self, request, form, formsets, change):
        before = related_snapshot(form.instance) if change else {}
        super().save_related(request, form, formsets, change)
        changes = field_changes(before, related_snapshot(form.instance))
        if changes:
            self._record(request, CHANGED, form.instance, changes)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            self._record_deleted(request, obj)
            obj.delete()
        for obj in instances:
            previous = stored(obj)
            before = snapshot(previous) if previous is not None else {}
            obj.save()
            self._record_saved(request, obj, before, getattr(previous, "password", None))
        formset.save_m2m()

    def delete_model(self, request, obj):
        self._record_deleted(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._record_deleted(request, obj)
        super().delete_queryset(request, queryset)


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

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            person = self.get_object(request, unquote(id))
            change_record(
                action=Action.PASSWORD_SET,
                obj=person,
                changes={
                    "password": {
                        "from": "not recorded",
                        "to": "set"
                        if person.has_usable_password()
                        else "sign-in with a password turned off",
                    }
                },
                request=request,
                route="admin",
            )
        return response


admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(BoardAdminAccess, GroupAdmin):
    pass
