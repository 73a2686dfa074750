from django import forms
from django.core.validators import MaxValueValidator

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
