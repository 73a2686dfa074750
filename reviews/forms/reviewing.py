from django import forms
from django.core.validators import MaxValueValidator
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..models import Finding, Review


class FindingForm(forms.Form):
    """The answer to one expectation. Blank is allowed while drafting; `check_rules` applies the
    rules that must hold before continuing."""

    rating = forms.ChoiceField(
        label="Rating", choices=Finding.Rating.choices, required=False, widget=forms.RadioSelect
    )
    evidence_quote = forms.CharField(
        label="Evidence: quote from the policy",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence_page = forms.IntegerField(label="Page", required=False, min_value=1)
    evidence_section = forms.CharField(label="Section (optional)", required=False, max_length=200)
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    not_applicable_reason = forms.CharField(
        label="Why it does not apply",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, finding: Finding, page_count: int | None, **kwargs):
        self.finding = finding
        kwargs.setdefault("prefix", f"f{finding.pk}")
        if not kwargs.get("data"):
            kwargs.setdefault(
                "initial", {field: getattr(finding, field) for field in self.base_fields}
            )
        super().__init__(*args, **kwargs)
        if page_count:
            self.fields["evidence_page"].widget.attrs["max"] = page_count
            self.fields["evidence_page"].validators.append(
                MaxValueValidator(
                    page_count, f"The policy has {page_count} pages: enter 1 to {page_count}"
                )
            )
        self.fields["evidence_page"].error_messages.update(
            invalid="Enter the page as a number", min_value="Enter a page number of 1 or more"
        )

    def render_fields(self) -> SafeString:
        """The GOV.UK markup of the answer's fields, as typed, with their errors."""
        return finding_fields_html(
            prefix=self.prefix,
            code=self.finding.expectation.code,
            values={name: self[name].value() for name in self.fields},
            errors={name: list(errors) for name, errors in self.errors.items()},
        )

    def answers(self) -> dict:
        data = dict(self.cleaned_data)
        data["evidence_page"] = data.get("evidence_page") or None
        return data

    def check_rules(self) -> None:
        """Add the submission rules' errors to the fields they belong to."""
        draft = Finding(expectation=self.finding.expectation, **self.answers())
        for field, message in draft.field_problems():
            self.add_error(field, message)


class OutcomeForm(forms.Form):
    overall_outcome = forms.ChoiceField(
        label="Overall outcome",
        choices=Review.Outcome.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    override_reason = forms.CharField(
        label="Reason for a different outcome",
        help_text="Needed only if you choose an outcome other than the one suggested.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    summary = forms.CharField(
        label="Summary for the agency",
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, suggested: str, **kwargs):
        self.suggested = suggested
        super().__init__(*args, **kwargs)

    def check_rules(self) -> None:
        outcome = self.cleaned_data.get("overall_outcome")
        if not outcome:
            self.add_error("overall_outcome", "Choose the overall outcome")
        elif outcome != self.suggested and not self.cleaned_data.get("override_reason", "").strip():
            self.add_error(
                "override_reason",
                "Give the reason for an overall outcome other than the one suggested",
            )


class RecommendationForm(forms.Form):
    text = forms.CharField(
        label="Recommendation",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    findings = forms.MultipleChoiceField(
        label="Answers the findings",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, finding_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["findings"].choices = finding_choices


class SavedAnswer:
    """A saved finding, shown as an unbound FindingForm shows it, without building the form."""

    def __init__(self, finding: Finding):
        self.finding = finding
        self.prefix = f"f{finding.pk}"

    def render_fields(self) -> SafeString:
        return finding_fields_html(
            prefix=self.prefix,
            code=self.finding.expectation.code,
            values={name: getattr(self.finding, name) for name in FindingForm.base_fields},
            errors={},
        )


# What each free-text field's hint says; the page and section inputs have none.
HINTS = {
    "evidence_quote": "Needed for Met and Partially met.",
    "comment": "For Not met, say what is missing.",
    "not_applicable_reason": "Needed for Not applicable.",
}
TEXT_INPUTS = {"evidence_page": " govuk-input--width-4", "evidence_section": ""}


def finding_fields_html(*, prefix: str, code: str, values: dict, errors: dict) -> SafeString:
    """The GOV.UK markup of one finding's fields: FindingForm's, written out here rather than in
    a template because a review step shows many findings and this is most of its work. A saved
    finding is shown from its values, without building a form."""
    code = escape(code)
    parts = [_rating_html(prefix, code, values.get("rating"), errors.get("rating", ()))]
    for name, field in FindingForm.base_fields.items():
        if name != "rating":
            parts.append(
                _field_html(prefix, code, name, field.label, values.get(name), errors.get(name, ()))
            )
    return mark_safe("".join(parts))  # noqa: S308 - every value in it is escaped


def _errors_html(field_id: str, errors) -> str:
    return "".join(
        f'<p id="{field_id}-error" class="govuk-error-message">'
        f'<span class="govuk-visually-hidden">Error:</span> {escape(message)}</p>'
        for message in errors
    )


def _rating_html(prefix: str, code: str, selected, errors) -> str:
    selected = str(selected or "")
    base_id = f"id_{prefix}-rating"
    items = []
    for index, (value, label) in enumerate(Finding.Rating.choices):
        input_id = base_id if index == 0 else f"{base_id}_{index}"
        checked = " checked" if value == selected else ""
        items.append(
            f'<div class="govuk-radios__item"><input class="govuk-radios__input" id="{input_id}" '
            f'name="{prefix}-rating" type="radio" value="{value}"{checked}>'
            f'<label class="govuk-label govuk-radios__label" for="{input_id}">{label}</label></div>'
        )
    error_id = f"{prefix}-rating"
    group_error = " govuk-form-group--error" if errors else ""
    described_by = f' aria-describedby="{error_id}-error"' if errors else ""
    return (
        f'<div class="govuk-form-group{group_error}"><fieldset class="govuk-fieldset"'
        f'{described_by}><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">'
        f"How well does the policy meet {code}?</legend>{_errors_html(error_id, errors)}"
        f'<div class="govuk-radios govuk-radios--small" data-module="govuk-radios">'
        f"{''.join(items)}</div></fieldset></div>"
    )


def _field_html(prefix: str, code: str, name: str, label: str, value, errors) -> str:
    field_id = f"id_{prefix}-{name}"
    hint = HINTS.get(name)
    described_by = " ".join(
        ([f"{field_id}-hint"] if hint else []) + ([f"{field_id}-error"] if errors else [])
    )
    described_by = f' aria-describedby="{described_by}"' if described_by else ""
    value = escape("" if value is None else value)
    if name in TEXT_INPUTS:
        error_class = " govuk-input--error" if errors else ""
        numeric = ' inputmode="numeric"' if name == "evidence_page" else ""
        control = (
            f'<input class="govuk-input{TEXT_INPUTS[name]}{error_class}" id="{field_id}" '
            f'name="{prefix}-{name}" type="text"{numeric}{described_by} value="{value}">'
        )
    else:
        error_class = " govuk-textarea--error" if errors else ""
        control = (
            f'<textarea class="govuk-textarea{error_class}" id="{field_id}" name="{prefix}-{name}"'
            f' rows="3"{described_by}>{value}</textarea>'
        )
    if name == "evidence_quote":
        control += (
            '<button type="button" class="govuk-button govuk-button--secondary '
            'govuk-!-margin-bottom-0 govuk-!-margin-top-2 app-js-only" hidden '
            f'data-use-selection="{prefix}">Use selected text<span class="govuk-visually-hidden"> '
            f"as evidence for {code}</span></button>"
        )
    hint_html = f'<div class="govuk-hint" id="{field_id}-hint">{hint}</div>' if hint else ""
    group_error = " govuk-form-group--error" if errors else ""
    return (
        f'<div class="govuk-form-group{group_error}"><label class="govuk-label" for="{field_id}">'
        f'{escape(label)}<span class="govuk-visually-hidden"> for {code}</span></label>'
        f"{hint_html}{_errors_html(field_id, errors)}{control}</div>"
    )
