"""Forms a board admin uses for people and agencies. None offers Django admin access or
superuser rights: the only rights here are the board roles."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import password_validators_help_texts

from accounts.models import normalise_email
from policies.models import Agency

from .selectors import ROLE_FILTERS, STATUSES
from .services import BOARD_ROLES

User = get_user_model()

ROLE_CHOICES = list(BOARD_ROLES.items())


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


def _roles_field(**kwargs) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Board roles",
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select board roles from the list"},
        **kwargs,
    )


class EmailTakenMixin:
    """Email addresses are compared as one spelling: stripped and in lower case."""

    person = None

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        people = User.objects.filter(email__iexact=email)
        if self.person is not None:
            people = people.exclude(pk=self.person.pk)
        if people.exists():
            raise forms.ValidationError(f"{email} already has an account")
        return email


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label="Name or email address", required=False, max_length=200)
    role = forms.ChoiceField(
        label="Role",
        required=False,
        choices=[("", "Any role"), *((key, label) for key, (_, label) in ROLE_FILTERS.items())],
        error_messages={"invalid_choice": "Select a role from the list"},
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        required=False,
        queryset=Agency.objects.none(),
        empty_label="Any agency",
        error_messages={"invalid_choice": "Select an agency from the list"},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *STATUSES],
        error_messages={"invalid_choice": "Select a status from the list"},
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class InviteForm(EmailTakenMixin, forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the person's full name"},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The invitation is sent here. The person signs in with this address.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    roles = _roles_field(help_text="Select all that apply, or none for an agency member.")
    agency = forms.ModelChoiceField(
        label="Agency (optional)",
        required=False,
        queryset=Agency.objects.none(),
        empty_label="Not a member of an agency",
        help_text="A member sees and uploads only this agency's policies.",
        error_messages={"invalid_choice": "Select an agency from the list"},
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.helper = _helper(
            Field.text("full_name"),
            Field.text("email"),
            Field.checkboxes("roles", legend_size=Size.SMALL, small=True),
            Field.select("agency"),
            Submit("submit", "Send invitation"),
        )

    def clean(self):
        cleaned = super().clean()
        chosen_nothing = not cleaned.get("roles") and cleaned.get("agency") is None
        if chosen_nothing and "roles" not in self.errors and "agency" not in self.errors:
            self.add_error("roles", "Select a board role or an agency")
        return cleaned


class PersonForm(EmailTakenMixin, forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=150, error_messages={"required": "Enter the full name"}
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )

    def __init__(self, *args, person, **kwargs):
        self.person = person
        kwargs.setdefault("initial", {"full_name": person.full_name, "email": person.email})
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("full_name"), Field.text("email"), Submit("submit", "Save changes")
        )


class RolesForm(forms.Form):
    roles = _roles_field(help_text="Select all that apply. Clear them all to remove every role.")

    def __init__(self, *args, person, **kwargs):
        kwargs.setdefault(
            "initial", {"roles": [role for role in BOARD_ROLES if getattr(person, role)]}
        )
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.checkboxes("roles", legend_size=Size.SMALL, small=True),
            Submit("submit", "Save roles"),
        )


class MembershipForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={
            "required": "Select the agency",
            "invalid_choice": "Select an agency from the list",
        },
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.helper = _helper(Field.select("agency"), Submit("submit", "Add membership"))


class AgencyForm(forms.Form):
    name = forms.CharField(
        label="Name of the agency", max_length=200, error_messages={"required": "Enter the name"}
    )
    sector = forms.ChoiceField(
        label="Sector",
        choices=Agency.Sector.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the sector",
            "invalid_choice": "Select a sector from the list",
        },
    )
    is_active = forms.BooleanField(
        label="Active",
        required=False,
        initial=True,
        help_text="Only active agencies can be put in a review cycle or given new members.",
    )

    def __init__(self, *args, agency: Agency | None = None, **kwargs):
        self.agency = agency
        if agency is not None:
            kwargs.setdefault(
                "initial",
                {"name": agency.name, "sector": agency.sector, "is_active": agency.is_active},
            )
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name"),
            Field.radios("sector", legend_size=Size.SMALL, small=True),
            Field.checkbox("is_active", small=True),
            Submit("submit", "Save agency" if agency else "Add agency"),
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        agencies = Agency.objects.filter(name__iexact=name)
        if self.agency is not None:
            agencies = agencies.exclude(pk=self.agency.pk)
        if agencies.exists():
            raise forms.ValidationError(f"An agency called {name} already exists")
        return name


class AcceptInvitationForm(SetPasswordForm):
    """Django's own password rules, with GOV.UK labels."""

    error_messages = {
        **SetPasswordForm.error_messages,
        "password_mismatch": "The passwords do not match",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label = "Create a password"
        first.help_text = " ".join(password_validators_help_texts())
        first.error_messages["required"] = "Enter a password"
        second.label = "Confirm your password"
        second.help_text = ""
        second.error_messages["required"] = "Confirm your password"
        self.helper = _helper(
            Field.text("new_password1", field_width=20),
            Field.text("new_password2", field_width=20),
            Submit("submit", "Set password"),
        )

    def clean(self):
        # The rules' messages belong beside the password they judge, not its confirmation.
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)
