"""The technical admin's pages for people, agencies and memberships: every change is written to the
audit trail as the people pages write it, and a new membership that stops someone reviewing or
moderating an open review says so. Here, above the accounts, policies and reviews apps, because
these pages draw on all three."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from accounts.admin import (
    CHANGED,
    DELETED,
    BoardAdminAccess,
    PersonChangeForm,
    PersonCreationForm,
)
from accounts.models import User
from audit.models import AuditEvent
from audit.services import change_record
from policies.models import Agency, Membership
from reviews.selectors_conflicts import reviews_in_conflict_with

Action = AuditEvent.Action


class PeopleTrail(BoardAdminAccess):
    trail_actions = {
        "accounts.User": (Action.PERSON_CREATED, Action.PERSON_CHANGED, Action.PERSON_DELETED),
        "policies.Agency": (Action.AGENCY_CREATED, Action.AGENCY_CHANGED, Action.AGENCY_DELETED),
        "policies.Membership": (
            Action.MEMBERSHIP_ADDED,
            Action.RECORD_CHANGED,
            Action.MEMBERSHIP_ENDED,
        ),
    }

    def trail_agency(self, obj, *, deleting: bool):
        if isinstance(obj, Agency):
            # An agency being deleted cannot be what its own record points at.
            return None if deleting else obj
        agency = getattr(obj, "agency", None)
        return agency if isinstance(agency, Agency) else None

    def trail_entry(self, obj, which: int, changes: dict):
        if not isinstance(obj, Membership) or which == CHANGED:
            return obj, changes
        # Recorded as the people pages record it: against the person, naming the agency.
        name = obj.agency.name
        moved = {"from": name, "to": None} if which == DELETED else {"from": None, "to": name}
        return obj.user, {"agency": moved}

    def record_added(self, request, obj) -> None:
        if not isinstance(obj, Membership):
            return
        reviews = list(reviews_in_conflict_with(user=obj.user, agency=obj.agency))
        if reviews:
            messages.warning(
                request,
                f"{obj.user} now belongs to {obj.agency}, so cannot go on reviewing "
                f"or moderating its policy. Reassign: "
                + "; ".join(f"{review.cycle} ({review.get_state_display()})" for review in reviews),
            )


class PersonMembershipInline(PeopleTrail, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


class AgencyMembershipInline(PeopleTrail, admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(PeopleTrail, admin.ModelAdmin):
    list_display = ["name", "sector", "is_active"]
    list_filter = ["sector", "is_active"]
    search_fields = ["name"]
    inlines = [AgencyMembershipInline]


@admin.register(User)
class UserAdmin(PeopleTrail, BaseUserAdmin):
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
    inlines = [PersonMembershipInline]
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
