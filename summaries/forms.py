from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from reviews.models import ReviewCycle

from .models import Action, Export


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *Action.Status.choices],
        error_messages={"invalid_choice": "Select a status from the list"},
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.select("status"), Field.checkbox("overdue", small=True))
        self.helper.disable_csrf = True


class ActionForm(forms.Form):
    description = forms.CharField(
        label="What will be done",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "Say what will be done"},
    )
    owner = forms.CharField(
        label="Who owns it",
        max_length=200,
        help_text="A role or a name, for example Head of Safeguarding.",
        error_messages={"required": "Enter who owns the action"},
    )
    due_on = DateInputField(
        label="Due date", help_text="For example, 30 9 2026", require_all_fields=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].error_messages["required"] = "Enter the due date"
        self.helper = _helper(
            Field.textarea("description"),
            Field.text("owner"),
            Field("due_on"),
        )


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        uploaded = f"{obj.uploaded_at:%-d %B %Y}"
        return f"{obj.document.title}, version {obj.version_label} (uploaded {uploaded})"


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=Action.Status.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the status",
            "invalid_choice": "Select a status from the list",
        },
    )
    done_note = forms.CharField(
        label="What was done",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to mark the action done, unless you choose a new policy version.",
    )
    evidence_version = VersionChoiceField(
        label="New policy version that shows it (optional)",
        queryset=None,
        required=False,
        empty_label="None",
        error_messages={"invalid_choice": "Select one of your agency's policy versions"},
    )

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence_version"].queryset = versions
        self.helper = _helper(
            Field.radios("status", legend_size=Size.SMALL),
            Field.textarea("done_note"),
            Field.select("evidence_version"),
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("status") == Action.Status.DONE
            and not (data.get("done_note") or "").strip()
            and not data.get("evidence_version")
        ):
            self.add_error(
                "done_note",
                "Say what was done, or choose the new policy version that shows it",
            )
        return data


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label="Format",
        choices=Export.Format.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a format",
            "invalid_choice": "Select a format from the list",
        },
    )
    cycle = forms.ModelChoiceField(
        label="Review cycle",
        queryset=ReviewCycle.objects.order_by("-opens_on", "name"),
        required=False,
        empty_label="None",
        error_messages={"invalid_choice": "Select a review cycle from the list"},
    )
    year = forms.IntegerField(
        label="Or a whole year instead (optional)",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=(
            "Every review cycle that opened in that year, for example 2026. Leave it empty to "
            "export the review cycle above."
        ),
        # GOV.UK asks for a text input for numbers: it is styled and never changes on scrolling.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter the year as a number, for example 2026",
            "min_value": "Enter a year from 2000 to 2100",
            "max_value": "Enter a year from 2000 to 2100",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("format", legend_size=Size.SMALL),
            Field.select("cycle"),
            Field.text("year", field_width=4),
        )

    def clean(self):
        data = super().clean()
        if data.get("year"):
            # A year typed in wins over the cycle chosen for it by default.
            data["cycle"] = None
        elif not data.get("cycle") and not self.errors.get("year"):
            self.add_error("cycle", "Select a review cycle, or enter a year")
        return data
