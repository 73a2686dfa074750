from django import forms
from django.core.validators import MaxValueValidator
from django.utils.html import format_html
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

    # What each free-text field's hint says; the page and section inputs have none.
    HINTS = {
        "evidence_quote": "Needed for Met and Partially met.",
        "comment": "For Not met, say what is missing.",
        "not_applicable_reason": "Needed for Not applicable.",
    }

    def render_fields(self) -> SafeString:
        """The GOV.UK markup of the answer's fields. Written out here rather than in a template:
        a review step shows many findings, and this is most of the page's work."""
        code = self.finding.expectation.code
        parts = [self._render_rating(code)]
        parts += [self._render_field(self[name], code) for name in self.fields if name != "rating"]
        return mark_safe("".join(parts))  # noqa: S308 - every part is built with format_html

    def _errors_html(self, field_id: str, errors) -> str:
        return "".join(
            format_html(
                '<p id="{}-error" class="govuk-error-message">'
                '<span class="govuk-visually-hidden">Error:</span> {}</p>',
                field_id,
                message,
            )
            for message in errors
        )

    def _render_rating(self, code: str) -> str:
        bound = self["rating"]
        errors = bound.errors
        selected = str(bound.value() or "")
        base_id = f"id_{self.prefix}-rating"
        items = []
        for index, (value, label) in enumerate(self.fields["rating"].choices):
            input_id = base_id if index == 0 else f"{base_id}_{index}"
            items.append(
                format_html(
                    '<div class="govuk-radios__item"><input class="govuk-radios__input" id="{}" '
                    'name="{}" type="radio" value="{}"{}><label class="govuk-label '
                    'govuk-radios__label" for="{}">{}</label></div>',
                    input_id,
                    bound.html_name,
                    value,
                    mark_safe(" checked") if str(value) == selected else "",
                    input_id,
                    label,
                )
            )
        error_id = f"{self.prefix}-rating"
        return format_html(
            '<div class="govuk-form-group{}"><fieldset class="govuk-fieldset"{}>'
            '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">'
            "How well does the policy meet {}?</legend>{}"
            '<div class="govuk-radios govuk-radios--small" data-module="govuk-radios">{}</div>'
            "</fieldset></div>",
            " govuk-form-group--error" if errors else "",
            format_html(' aria-describedby="{}-error"', error_id) if errors else "",
            code,
            mark_safe(self._errors_html(error_id, errors)),  # noqa: S308 - built with format_html
            mark_safe("".join(items)),  # noqa: S308 - built with format_html
        )

    def _render_field(self, bound, code: str) -> str:
        field_id = bound.id_for_label
        errors = bound.errors
        hint = self.HINTS.get(bound.name)
        described_by = " ".join(
            ([f"{field_id}-hint"] if hint else []) + ([f"{field_id}-error"] if errors else [])
        )
        value = bound.value()
        value = "" if value is None else value
        error_class = " govuk-{}--error"
        if bound.name in ("evidence_page", "evidence_section"):
            control = format_html(
                '<input class="govuk-input{}{}" id="{}" name="{}" type="text"{}{} value="{}">',
                " govuk-input--width-4" if bound.name == "evidence_page" else "",
                error_class.format("input") if errors else "",
                field_id,
                bound.html_name,
                mark_safe(' inputmode="numeric"') if bound.name == "evidence_page" else "",
                format_html(' aria-describedby="{}"', described_by) if described_by else "",
                value,
            )
        else:
            control = format_html(
                '<textarea class="govuk-textarea{}" id="{}" name="{}" rows="3"{}>{}</textarea>',
                error_class.format("textarea") if errors else "",
                field_id,
                bound.html_name,
                format_html(' aria-describedby="{}"', described_by) if described_by else "",
                value,
            )
        if bound.name == "evidence_quote":
            control += format_html(
                '<button type="button" class="govuk-button govuk-button--secondary '
                'govuk-!-margin-bottom-0 govuk-!-margin-top-2 app-js-only" hidden '
                'data-use-selection="{}">Use selected text<span class="govuk-visually-hidden"> '
                "as evidence for {}</span></button>",
                self.prefix,
                code,
            )
        return format_html(
            '<div class="govuk-form-group{}"><label class="govuk-label" for="{}">{}'
            '<span class="govuk-visually-hidden"> for {}</span></label>{}{}{}</div>',
            " govuk-form-group--error" if errors else "",
            field_id,
            bound.label,
            code,
            format_html('<div class="govuk-hint" id="{}-hint">{}</div>', field_id, hint)
            if hint
            else "",
            mark_safe(self._errors_html(field_id, errors)),  # noqa: S308 - built with format_html
            control,
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
