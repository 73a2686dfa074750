"""The reviewer's forms: a step's answers (a formset of findings), the overall outcome and the
recommendations (a formset that grows a row at a time). All are laid out with crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms
from django.core.validators import MaxValueValidator
from django.utils.html import escape

from ..answers import ANSWER_FIELDS, SELF_ASSESSMENT_VIEW_FIELDS, self_assessment_view_problems
from ..models import Finding, Review, SelfRating

# A text answer's label says which expectation it is for, to a screen reader only, which
# crispy-forms-gds's own field template cannot say.
ANSWER_FIELD_TEMPLATE = "reviews/review/_answer_field.html"


def _helper(*layout) -> FormHelper:
    """Fields only: the page writes the <form>, its token and its buttons once for all forms."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    return helper


CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


def error_links(forms_) -> list[tuple[str, str]]:
    """(anchor, message) for the error summary: each error links to its field (a group of radios
    or checkboxes to its first item, as crispy-forms-gds numbers them)."""
    links = []
    for form in forms_:
        for name, messages in form.errors.items():
            if name not in form.fields:
                continue
            anchor = form[name].auto_id
            if isinstance(form.fields[name].widget, CHOICE_WIDGETS):
                anchor = f"{anchor}_1"
            links.extend((anchor, message) for message in messages)
    return links


class FindingForm(forms.ModelForm):
    """The answer to one expectation. Blank is allowed while drafting; `check_rules` applies the
    rules that must hold before continuing."""

    rating = forms.ChoiceField(
        choices=Finding.Rating.choices, required=False, widget=forms.RadioSelect
    )
    evidence_quote = forms.CharField(
        label="Evidence: quote from the policy",
        help_text="Needed for Met and Partially met.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence_page = forms.IntegerField(
        label="Page",
        required=False,
        min_value=1,
        widget=forms.TextInput,
        error_messages={
            "invalid": "Enter the page as a number",
            "min_value": "Enter a page number of 1 or more",
        },
    )
    evidence_section = forms.CharField(label="Section (optional)", required=False, max_length=200)
    comment = forms.CharField(
        label="Comment",
        help_text="For Not met, say what is missing.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    not_applicable_reason = forms.CharField(
        label="Why it does not apply",
        help_text="Needed for Not applicable.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Asked only where the agency submitted its own rating of the expectation.
    self_assessment_view = forms.ChoiceField(
        choices=Finding.SelfAssessmentView.choices, required=False, widget=forms.RadioSelect
    )
    self_assessment_comment = forms.CharField(
        label="Why you challenge the agency's rating",
        help_text="Needed to challenge. The moderator and the outcome show it.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Finding
        fields = (*ANSWER_FIELDS, *SELF_ASSESSMENT_VIEW_FIELDS)

    def __init__(
        self,
        *args,
        page_count: int | None = None,
        self_rating: SelfRating | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.finding = self.instance
        # The agency's own submitted rating of this expectation, shown beside it.
        self.self_rating = self_rating
        code = self.finding.expectation.code
        if self_rating is None:
            for field in SELF_ASSESSMENT_VIEW_FIELDS:
                del self.fields[field]
        else:
            self.fields[
                "self_assessment_view"
            ].label = f"Do you agree with the agency's rating of {escape(code)}?"
        # crispy-forms-gds shows a legend as markup: the code comes from a framework file.
        self.fields["rating"].label = f"How well does the policy meet {escape(code)}?"
        if page_count:
            self.fields["evidence_page"].validators.append(
                MaxValueValidator(
                    page_count, f"The policy has {page_count} pages: enter 1 to {page_count}"
                )
            )

        def answer(name, **context):
            return Field(name, template=ANSWER_FIELD_TEMPLATE, context={"code": code, **context})

        self.helper = _helper(
            Field.radios("rating", legend_size=Size.SMALL, small=True),
            answer("evidence_quote", textarea=True, use_selection=True),
            answer("evidence_page", numeric=True, width="govuk-input--width-4"),
            answer("evidence_section"),
            answer("comment", textarea=True),
            answer("not_applicable_reason", textarea=True),
            *self._view_layout(answer),
        )

    def _view_layout(self, answer) -> list:
        if self.self_rating is None:
            return []
        return [
            Field.radios("self_assessment_view", legend_size=Size.SMALL, small=True, inline=True),
            answer("self_assessment_comment", textarea=True),
        ]

    def answers(self) -> dict:
        names = [
            name for name in (*ANSWER_FIELDS, *SELF_ASSESSMENT_VIEW_FIELDS) if name in self.fields
        ]
        data = {field: self.cleaned_data.get(field) for field in names}
        data["evidence_page"] = data["evidence_page"] or None
        return data

    def check_rules(self) -> None:
        """Add the submission rules' errors to the fields they belong to."""
        draft = Finding(expectation=self.finding.expectation, **self.answers())
        problems = draft.field_problems()
        if self.self_rating is not None:
            problems += self_assessment_view_problems(draft)
        for field, message in problems:
            self.add_error(field, message)


class BaseFindingFormSet(forms.BaseFormSet):
    """One form per finding of a step, in the framework's order, which a published framework
    never changes: the step's findings, not the browser, decide how many forms there are."""

    def __init__(
        self,
        *args,
        findings: list[Finding],
        page_count: int | None,
        self_ratings: dict[int, SelfRating] | None = None,
        **kwargs,
    ):
        self.findings = findings
        self.page_count = page_count
        # The agency's submitted self-ratings by expectation id; none without one.
        self.self_ratings = self_ratings or {}
        super().__init__(*args, **kwargs)

    def total_form_count(self) -> int:
        return len(self.findings)

    def initial_form_count(self) -> int:
        return len(self.findings)

    def get_form_kwargs(self, index):
        finding = self.findings[index]
        return {
            "instance": finding,
            "page_count": self.page_count,
            "self_rating": self.self_ratings.get(finding.expectation_id),
        }


FindingFormSet = forms.formset_factory(FindingForm, formset=BaseFindingFormSet, extra=0)


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
        widget=forms.Textarea,
    )
    summary = forms.CharField(
        label="Summary for the agency",
        required=False,
        max_length=8000,
        widget=forms.Textarea,
    )

    def __init__(self, *args, suggested: str, **kwargs):
        self.suggested = suggested
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("overall_outcome", legend_size=Size.MEDIUM),
            Field.textarea("override_reason", label_size=Size.SMALL, rows=3),
            Field.textarea("summary", label_size=Size.SMALL, rows=5),
        )

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
    text = forms.CharField(required=False, max_length=4000, widget=forms.Textarea)
    findings = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, number: int, finding_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = number
        self.fields["text"].label = f"Recommendation {number}: what the agency should do"
        self.fields["findings"].label = f"Findings recommendation {number} answers"
        self.fields["findings"].choices = finding_choices

    def lay_out(self) -> None:
        """Laid out once the formset has added its fields: a saved row can be removed."""
        removable = "DELETE" in self.fields
        if removable:
            self.fields["DELETE"].label = f"Remove recommendation {self.number}"
        self.helper = _helper(
            Fieldset(
                Field.textarea("text", rows=2),
                Field.checkboxes("findings", small=True),
                *([Field.checkbox("DELETE", small=True)] if removable else []),
                legend=f"Recommendation {self.number}",
                legend_size=Size.SMALL,
            )
        )

    def recommendation(self) -> tuple[str, tuple[int, ...]]:
        return (
            self.cleaned_data["text"].strip(),
            tuple(int(f) for f in self.cleaned_data["findings"]),
        )


class BaseRecommendationFormSet(forms.BaseFormSet):
    """The saved recommendations, each removable, and `blank_rows` empty rows to add more."""

    def __init__(self, *args, finding_choices, blank_rows: int = 0, **kwargs):
        self.finding_choices = finding_choices
        super().__init__(*args, **kwargs)
        self.extra = blank_rows

    def get_form_kwargs(self, index):
        return {"number": (index or 0) + 1, "finding_choices": self.finding_choices}

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        form.lay_out()

    def recommendations(self) -> list[tuple[str, tuple[int, ...]]]:
        """What to save: every row with text that is not marked to be removed."""
        kept = [form for form in self.forms if form not in self.deleted_forms]
        return [form.recommendation() for form in kept if form.cleaned_data.get("text", "").strip()]


# "Add another recommendation" saves and shows one more row; the limit keeps a page readable.
MAX_RECOMMENDATIONS = 50
RecommendationFormSet = forms.formset_factory(
    RecommendationForm,
    formset=BaseRecommendationFormSet,
    extra=0,
    can_delete=True,
    can_delete_extra=False,
    max_num=MAX_RECOMMENDATIONS,
    validate_max=True,
)
