from dataclasses import dataclass
from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from .models import Agency, DatePrecision, PolicyDocument
from .services import VersionMetadata, month_end


@dataclass(frozen=True)
class GivenDate:
    """A date as the policy gives it: the day may be missing."""

    date: date
    precision: str

    @property
    def latest(self) -> date:
        """The last day the date could mean."""
        return month_end(self.date) if self.precision == DatePrecision.MONTH else self.date


class FrontPageDateField(DateInputField):
    """A GOV.UK date input that takes a full date or, as many front pages give, a month and
    year only."""

    def __init__(self, *, label: str, **kwargs):
        super().__init__(label=label, require_all_fields=False, **kwargs)
        name = label.removesuffix(" (optional)")
        self._name = name
        day, month, year = self.fields
        day.required = False
        self.error_messages["required"] = f"Enter the {name.lower()}"
        month.error_messages["incomplete"] = f"{name} must include a month"
        year.error_messages["incomplete"] = f"{name} must include a year"
        for field in self.fields:
            for validator in field.validators:
                validator.message = f"{name} must be a real date"

    def compress(self, data_list):
        day, month, year = (list(data_list) + ["", "", ""])[:3]
        if not (month and year):
            return None
        if len(year) != 4:
            raise ValidationError(f"{self._name} must include a year with 4 numbers, like 2026")
        try:
            given = date(int(year), int(month), int(day) if day else 1)
        except (ValueError, OverflowError):
            raise ValidationError(f"{self._name} must be a real date") from None
        return GivenDate(given, DatePrecision.DAY if day else DatePrecision.MONTH)


class PolicyVersionForm(forms.Form):
    """A policy file and the front-page metadata the agency keeps on it."""

    owner = forms.CharField(
        label="Policy owner",
        max_length=200,
        help_text="The role or person responsible for the policy, for example Head of HR.",
        error_messages={"required": "Enter the policy owner"},
    )
    version_label = forms.CharField(
        label="Version",
        max_length=50,
        help_text="As written on the policy, for example 2.1.",
        error_messages={"required": "Enter the version shown on the policy"},
    )
    document_date = FrontPageDateField(
        label="Date of document",
        help_text="For example, 27 3 2026. If the policy gives only a month, leave the day empty.",
    )
    classification = forms.CharField(
        label="Classification (optional)",
        max_length=100,
        required=False,
        help_text="For example OFFICIAL.",
    )
    next_review_date = FrontPageDateField(
        label="Next review date (optional)",
        help_text=(
            "When the agency plans to review the policy, for example 1 4 2027, "
            "or 4 2027 if the policy gives only a month."
        ),
        required=False,
    )
    retention_period = forms.CharField(
        label="Retention period (optional)",
        max_length=200,
        required=False,
        help_text="For example, 6 years after it is superseded.",
    )
    file = forms.FileField(
        label="Upload the policy",
        help_text="A PDF, Word (DOCX) or OpenDocument (ODT) file.",
        error_messages={
            "required": "Select the policy file",
            "empty": "The selected file is empty.",
        },
    )

    submit_label = "Upload"

    def __init__(self, *args, max_mb: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = f"A PDF, Word (DOCX) or OpenDocument (ODT) file, smaller than {max_mb} MB."
        self.fields["file"].widget.attrs["accept"] = (
            ".pdf,.docx,.odt,application/pdf,"
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
            "application/vnd.oasis.opendocument.text"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.layout_fields(), Submit("submit", self.submit_label))

    def layout_fields(self) -> list:
        return [
            Field.text("owner"),
            Field.text("version_label", field_width=10),
            Field("document_date"),
            Field.text("classification", field_width=20),
            Field("next_review_date"),
            Field.text("retention_period"),
            Field("file"),
        ]

    def clean(self):
        cleaned = super().clean()
        document_date = cleaned.get("document_date")
        next_review = cleaned.get("next_review_date")
        if document_date and next_review and next_review.latest < document_date.date:
            self.add_error(
                "next_review_date", "Next review date must be after the date of document"
            )
        return cleaned

    def metadata(self) -> VersionMetadata:
        data = self.cleaned_data
        next_review = data.get("next_review_date")
        return VersionMetadata(
            owner=data["owner"],
            version_label=data["version_label"],
            document_date=data["document_date"].date,
            document_date_precision=data["document_date"].precision,
            classification=data["classification"],
            next_review_date=next_review.date if next_review else None,
            next_review_precision=next_review.precision if next_review else DatePrecision.DAY,
            retention_period=data["retention_period"],
        )


class NewPolicyForm(PolicyVersionForm):
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Select the agency the policy belongs to",
            "invalid_choice": "Select an agency you are a member of",
        },
    )
    title = forms.CharField(
        label="Policy title",
        max_length=200,
        error_messages={"required": "Enter the policy title"},
    )
    kind = forms.ChoiceField(
        label="Kind of policy",
        choices=PolicyDocument.Kind.choices,
        initial=PolicyDocument.Kind.SOCIAL_MEDIA,
    )

    def __init__(self, *args, agencies, **kwargs):
        self._agencies = list(agencies)
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        if len(self._agencies) == 1:
            self.fields["agency"].initial = self._agencies[0].pk
            self.fields["agency"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        if len(self._agencies) == 1 and "agency" in self._errors:
            # The field is hidden when there is one choice; say what went wrong at the top.
            self.add_error(None, self._errors.pop("agency"))
        return cleaned

    def layout_fields(self) -> list:
        fields = [Field.select("agency")] if len(self._agencies) > 1 else [Field("agency")]
        return [
            *fields,
            Field.text("title"),
            Field.select("kind"),
            Fieldset(*super().layout_fields(), legend="This version", legend_size=Size.MEDIUM),
        ]


class PolicyFilterForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="Agency",
        required=False,
        queryset=Agency.objects.none(),
        empty_label="All agencies",
        error_messages={"invalid_choice": "Select an agency from the list"},
    )
    q = forms.CharField(
        label="Title or agency contains",
        required=False,
        max_length=200,
        widget=forms.SearchInput,
        error_messages={"max_length": "Enter 200 characters or fewer"},
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        # The fields are laid out in the page's grid; the helper lets the error summary show.
        self.helper = FormHelper()
        self.helper.form_tag = False


class PageSearchForm(forms.Form):
    q = forms.CharField(
        label="Search the text",
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"class": "govuk-!-width-two-thirds"}),
        error_messages={"max_length": "Enter 200 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The field sits above the policy's pages; the helper lets the error summary show.
        self.helper = FormHelper()
        self.helper.form_tag = False
