from crispy_forms_gds.choices import Choice
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from policies.models import Agency

from ..models import Framework, Review, ReviewCycle
from ..selectors_cycles import ScopeRow


def _date_field(label: str, *, help_text: str, required_message: str) -> DateInputField:
    field = DateInputField(label=label, help_text=help_text, require_all_fields=False)
    field.error_messages["required"] = required_message
    return field


def add_date_error(form: forms.Form, name: str, message: str) -> None:
    """An error about a whole date, linked from the error summary to its day (as GOV.UK asks):
    crispy-forms-gds links a date's own errors to its fieldset, which has no id."""
    day = form.fields[name].fields[0].widget
    day.errors = [*getattr(day, "errors", []), message]
    form.add_error(name, message)


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


class FrameworkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Framework) -> str:
        return f"{obj.name} (version {obj.version})"


def _people(flag: str):
    return get_user_model().objects.filter(is_active=True, **{flag: True}).order_by("full_name")


# A reply window longer than a term would hold every outcome back for months.
MAX_REPLY_WINDOW_DAYS = 60


class CycleForm(forms.Form):
    name = forms.CharField(
        label="Name of the review cycle",
        max_length=200,
        help_text="For example, 2026 social media policy review.",
        error_messages={"required": "Enter a name for the review cycle"},
    )
    framework = FrameworkChoiceField(
        label="Framework version",
        # A cycle opens only on a published version: a draft may still change.
        queryset=Framework.objects.filter(status=Framework.Status.PUBLISHED).order_by(
            "name", "-version"
        ),
        empty_label=None,
        help_text="Every review in the cycle keeps this version, even if a newer one is loaded.",
        error_messages={
            "required": "Select the framework version",
            "invalid_choice": "Select a framework version from the list",
        },
    )
    opens_on = _date_field(
        "Opening date", help_text="For example, 1 4 2026", required_message="Enter the opening date"
    )
    closes_on = _date_field(
        "Closing date",
        help_text="For example, 31 3 2027",
        required_message="Enter the closing date",
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies in scope",
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={
            "required": "Select at least one agency",
            "invalid_choice": "Select agencies from the list",
        },
    )
    asks_self_assessment = forms.BooleanField(
        label="Ask agencies to assess themselves first",
        required=False,
        help_text=(
            "Each agency rates its own policy against the framework; the reviewer agrees with "
            "each rating or challenges it."
        ),
    )
    self_assessment_due_on = DateInputField(
        label="Self-assessment deadline",
        help_text="Within the cycle. For example, 30 6 2026",
        required=False,
        require_all_fields=False,
    )
    reply_window_days = forms.IntegerField(
        label="Reply window: working days (leave empty for none)",
        help_text=(
            "Once the moderator signs a review off, the agency may reply to the findings on "
            "factual accuracy for this many working days before the outcome is issued. Working "
            "days are Monday to Friday, not counting bank holidays."
        ),
        required=False,
        min_value=1,
        max_value=MAX_REPLY_WINDOW_DAYS,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the reply window as a whole number of working days",
            "min_value": "Enter a reply window of 1 working day or more, or leave it empty",
            "max_value": (f"Enter a reply window of at most {MAX_REPLY_WINDOW_DAYS} working days"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        newest = self.fields["framework"].queryset.order_by("-loaded_at", "-version").first()
        if newest is not None:
            self.fields["framework"].initial = newest.pk
        self.helper = _helper(
            Field.text("name"),
            Field.select("framework"),
            Field("opens_on"),
            Field("closes_on"),
            Field.checkboxes("agencies", legend_size=Size.MEDIUM, small=True),
            Field.checkbox("asks_self_assessment"),
            Field("self_assessment_due_on"),
            Field.text("reply_window_days", field_width=4),
            Submit("submit", "Open the review cycle"),
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if ReviewCycle.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(f"A review cycle called {name} already exists")
        return name

    def clean(self):
        cleaned = super().clean()
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            add_date_error(
                self, "closes_on", "The closing date must be the same as or after the opening date"
            )
        self._clean_self_assessment(cleaned)
        return cleaned

    def _clean_self_assessment(self, cleaned: dict) -> None:
        """The deadline counts only when self-assessment is asked for, and falls in the cycle."""
        due_on = cleaned.get("self_assessment_due_on")
        if not cleaned.get("asks_self_assessment"):
            cleaned["self_assessment_due_on"] = None
            return
        if due_on is None:
            if "self_assessment_due_on" not in self.errors:
                add_date_error(
                    self, "self_assessment_due_on", "Enter the date agencies assess themselves by"
                )
            return
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on and not opens_on <= due_on <= closes_on:
            add_date_error(
                self,
                "self_assessment_due_on",
                "The self-assessment deadline must be within the cycle, "
                f"between {opens_on:%-d %B %Y} and {closes_on:%-d %B %Y}",
            )


class CycleSettingsForm(forms.Form):
    """An open cycle's self-assessment deadline and reply window; the service checks them
    against the cycle and what agencies have already done."""

    # Declared first: the error summary links a refusal of the whole change to the first field.
    reply_window_days = CycleForm.base_fields["reply_window_days"]
    self_assessment_due_on = DateInputField(
        label="Self-assessment deadline",
        help_text=(
            "Within the cycle, and today or later. Leave empty if agencies do not assess "
            "themselves. For example, 30 6 2026"
        ),
        required=False,
        require_all_fields=False,
    )

    def __init__(self, *args, cycle: ReviewCycle, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "self_assessment_due_on": cycle.self_assessment_due_on,
                "reply_window_days": cycle.reply_window_days,
            },
        )
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("self_assessment_due_on"),
            Field.text("reply_window_days", field_width=4),
            Submit("submit", "Save the changes"),
        )


class AssignForm(forms.Form):
    """Assign one reviewer and moderator to many agencies at once."""

    agencies = forms.MultipleChoiceField(
        label="Agencies to assign",
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. Each agency's current policy is shown under its name.",
        error_messages={
            "required": "Select at least one agency",
            "invalid_choice": (
                "An agency you selected can no longer be assigned. Check the list and try again"
            ),
        },
    )
    reviewer = forms.ModelChoiceField(
        label="Reviewer",
        queryset=_people("is_reviewer"),
        empty_label="Choose a reviewer",
        error_messages={
            "required": "Select the reviewer",
            "invalid_choice": "Select a reviewer from the list",
        },
    )
    moderator = forms.ModelChoiceField(
        label="Moderator",
        queryset=_people("is_moderator"),
        empty_label="Choose a moderator",
        error_messages={
            "required": "Select the moderator",
            "invalid_choice": "Select a moderator from the list",
        },
    )
    due_on = _date_field(
        "Due date",
        help_text="When the reviewer should submit, for example 30 6 2026",
        required_message="Enter the due date",
    )

    def __init__(self, *args, rows: list[ScopeRow], **kwargs):
        super().__init__(*args, **kwargs)
        self._assignable = {str(row.agency.pk): row for row in rows if row.is_assignable}
        self.fields["agencies"].choices = [
            Choice(
                key,
                row.agency.name,
                hint=f"{row.policy_version.document.title}, version "
                f"{row.policy_version.version_label}",
            )
            for key, row in self._assignable.items()
        ]
        self.helper = _helper(
            Field.checkboxes("agencies", legend_size=Size.MEDIUM, small=True),
            Field.select("reviewer"),
            Field.select("moderator"),
            Field("due_on"),
            Submit("submit", "Assign reviews"),
        )

    def chosen_rows(self) -> list[ScopeRow]:
        return [self._assignable[key] for key in self.cleaned_data["agencies"]]


class ReassignForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label="Reviewer",
        queryset=_people("is_reviewer"),
        empty_label=None,
        error_messages={
            "required": "Select the reviewer",
            "invalid_choice": "Select a reviewer from the list",
        },
    )
    moderator = forms.ModelChoiceField(
        label="Moderator",
        queryset=_people("is_moderator"),
        empty_label=None,
        error_messages={
            "required": "Select the moderator",
            "invalid_choice": "Select a moderator from the list",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.select("reviewer"), Field.select("moderator"), Submit("reassign", "Reassign")
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is the review being withdrawn?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Kept with the review and in the audit trail.",
        error_messages={"required": "Give the reason for withdrawing the review"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("reason", max_characters=2000),
            Submit("withdraw", "Withdraw this review", css_class="govuk-button--warning"),
        )


class CycleAgenciesForm(forms.Form):
    """Agencies to bring into an open cycle: the active ones not yet in its scope."""

    agencies = forms.ModelMultipleChoiceField(
        label="Agencies to add",
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. Reviews are assigned to them from the cycle's page.",
        error_messages={
            "required": "Select at least one agency to add",
            "invalid_choice": "An agency you selected can no longer be added. Check the list",
        },
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies
        self.helper = _helper(
            Field.checkboxes("agencies", legend_size=Size.MEDIUM, small=True),
            Submit("submit", "Add to the cycle"),
        )


class ReviewFilterForm(forms.Form):
    """The board admin's filters on every review; every field is optional."""

    cycle = forms.ModelChoiceField(
        label="Review cycle",
        required=False,
        queryset=ReviewCycle.objects.order_by("-opens_on", "name"),
        empty_label="Any cycle",
        error_messages={"invalid_choice": "Select a review cycle from the list"},
    )
    state = forms.ChoiceField(
        label="State",
        required=False,
        choices=[("", "Any state"), *Review.State.choices],
        error_messages={"invalid_choice": "Select a state from the list"},
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        required=False,
        queryset=Agency.objects.order_by("name"),
        empty_label="Any agency",
        error_messages={"invalid_choice": "Select an agency from the list"},
    )
    reviewer = forms.ModelChoiceField(
        label="Reviewer",
        required=False,
        # Anyone who reviews now, and anyone who reviewed before their role changed.
        queryset=get_user_model()
        .objects.filter(Q(is_reviewer=True) | Q(reviews_to_do__isnull=False))
        .distinct()
        .order_by("full_name", "email"),
        empty_label="Any reviewer",
        error_messages={"invalid_choice": "Select a reviewer from the list"},
    )
    overdue = forms.BooleanField(label="Only overdue reviews", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.select("cycle"),
            Field.select("state"),
            Field.select("agency"),
            Field.select("reviewer"),
            Field.checkbox("overdue", small=True),
        )
