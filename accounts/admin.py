from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group

from audit.models import AuditEvent
from audit.services import change_record, field_changes

from .models import User

Action = AuditEvent.Action

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


class BoardAdminAccess:
    """The Django admin is the service's technical tool: superusers only, and every change made
    in it is written to the audit trail, marked as made in the admin. Board admins manage
    people, roles, memberships and agencies in the app's own pages.

    The admin pages of the apps above this one say how their records appear in the trail by
    overriding the `trail_*` hooks; the people and agencies admin is in `people.admin`.
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

    # What each kind of record is called in the audit trail, by model label: (added, changed,
    # deleted). A kind not named here is recorded as a change to a record.
    trail_actions: dict[str, tuple[str, str, str]] = {}

    def trail_agency(self, obj, *, deleting: bool):
        """The agency a change to `obj` is recorded against, if any."""
        return None

    def trail_entry(self, obj, which: int, changes: dict) -> tuple[Any, dict]:
        """The record a change is written against in the trail, and the changes shown."""
        return obj, changes

    def record_added(self, request, obj) -> None:
        """Called once `obj` has been added through this page and recorded."""

    def _record(self, request, which: int, obj, changes: dict) -> None:
        action = self.trail_actions.get(obj._meta.label, OTHER_CHANGES)[which]
        agency = self.trail_agency(obj, deleting=which == DELETED)
        obj, changes = self.trail_entry(obj, which, changes)
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
        if not before:
            self.record_added(request, obj)

    def _record_deleted(self, request, obj) -> None:
        self._record(
            request, DELETED, obj, field_changes(snapshot(obj), dict.fromkeys(snapshot(obj)))
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


class PersonCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class PersonChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(BoardAdminAccess, GroupAdmin):
    pass
