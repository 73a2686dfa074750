"""The agency's form for one step of its self-assessment: a formset of its own ratings, laid out
as the reviewer's step is, with crispy-forms-gds."""

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.validators import MaxValueValidator
from django.utils.html import escape

from ..models import Finding, SelfRating
from ..services.self_assessments import SELF_RATING_FIELDS, self_rating_problems
from .reviewing import ANSWER_FIELD_TEMPLATE, _helper


class SelfRatingForm(forms.ModelForm):
    """The agency's own answer to one expectation. Blank is allowed while drafting;
    `check_rules` applies the rules that must hold before continuing."""

    rating = forms.ChoiceField(
        choices=Finding.Rating.choices, required=False, widget=forms.RadioSelect
    )
    evidence_quote = forms.CharField(
        label="Where your policy addresses it: a quote",
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
        label="Comment (optional)",
        help_text="Anything the board should know, such as work under way.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = SelfRating
        fields = SELF_RATING_FIELDS

    def __init__(self, *args, page_count: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Named as on the review step, so the shared evidence includes find the expectation.
        self.finding = self.instance
        code = self.instance.expectation.code
        # crispy-forms-gds shows a legend as markup: the code comes from a framework file.
        self.fields["rating"].label = f"How well does your policy meet {escape(code)}?"
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
        )

    def answers(self) -> dict:
        data = {field: self.cleaned_data.get(field) for field in SELF_RATING_FIELDS}
        data["evidence_page"] = data["evidence_page"] or None
        return data

    def check_rules(self) -> None:
        """Add the submission rules' errors to the fields they belong to."""
        draft = SelfRating(expectation=self.instance.expectation, **self.answers())
        for field, message in self_rating_problems(draft):
            self.add_error(field, message)


class BaseSelfRatingFormSet(forms.BaseFormSet):
    """One form per rating of a step, in the framework's order: the step's ratings, not the
    browser, decide how many forms there are."""

    def __init__(self, *args, ratings: list[SelfRating], page_count: int | None, **kwargs):
        self.ratings = ratings
        self.page_count = page_count
        super().__init__(*args, **kwargs)

    def total_form_count(self) -> int:
        return len(self.ratings)

    def initial_form_count(self) -> int:
        return len(self.ratings)

    def get_form_kwargs(self, index):
        return {"instance": self.ratings[index], "page_count": self.page_count}


SelfRatingFormSet = forms.formset_factory(SelfRatingForm, formset=BaseSelfRatingFormSet, extra=0)
