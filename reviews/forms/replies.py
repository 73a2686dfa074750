"""The right of reply's forms: the agency's reply to a finding, the reviewer's answer, and the
moderator's decision on an amendment. Each sits on a page with one form per finding, so each
has its own prefix; all are laid out with crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Hidden, Layout, Size
from django import forms

from ..models import Finding, Reply
from ..models.reply import AMENDABLE_FIELDS, finding_as_amended

TEXT_MAX = 5000
PAGE_MAX = 10000


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    return helper


def _text(label: str, *, required: bool = True, help_text: str = "", required_message: str = ""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea,
        error_messages={
            "required": required_message or label,
            "max_length": f"{label} must be {TEXT_MAX} characters or fewer",
        },
    )


class ReplyForm(forms.Form):
    """A member of the agency says what is not accurate in one finding."""

    def __init__(self, *args, finding: Finding, lock_version: int, **kwargs):
        self.finding = finding
        super().__init__(*args, prefix=f"finding-{finding.pk}", **kwargs)
        code = finding.expectation.code
        self.fields["text"] = _text(
            f"Your reply on the accuracy of finding {code}",
            help_text="Say what the finding gets wrong about your policy, and where the policy "
            "shows it (a page or section).",
            required_message=f"Say what is not accurate in finding {code}",
        )
        self.helper = _helper(
            Hidden("lock_version", lock_version, css_id=f"{self.prefix}-lock-version"),
            Field.textarea("text", label_size=Size.SMALL, rows=5, max_characters=TEXT_MAX),
            Button.primary(f"save-reply-{finding.pk}", f"Save your reply on {code}"),
        )


class AnswerForm(forms.Form):
    """The reviewer keeps the finding or amends it, with the reason either way. An amendment
    must leave a complete finding: a Met or Partially met needs its evidence."""

    answer = forms.ChoiceField(
        label="Your answer",
        choices=Reply.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to keep the finding or amend it"},
    )
    reason = _text(
        "Your reason",
        help_text="The agency reads it, and it is printed in the annex to the outcome.",
        required_message="Give the reason for your answer",
    )
    proposed_rating = forms.ChoiceField(
        label="Amended rating (if you amend it)",
        choices=[("", "Keep the rating"), *Finding.Rating.choices],
        required=False,
    )
    proposed_comment = _text(
        "Amended comment (if you amend it)",
        required=False,
        help_text="Leave empty to keep the finding's comment.",
    )
    proposed_evidence_quote = _text(
        "Amended evidence: quote from the policy (if you amend it)",
        required=False,
        help_text="Needed for Met or Partially met where the finding has no evidence yet. "
        "Leave empty to keep the finding's evidence.",
    )
    proposed_evidence_page = forms.IntegerField(
        label="Amended evidence: page number",
        required=False,
        min_value=1,
        max_value=PAGE_MAX,
        error_messages={
            "invalid": "The page number must be a whole number, like 4",
            "min_value": "The page number must be 1 or more",
            "max_value": f"The page number must be {PAGE_MAX} or less",
        },
    )
    proposed_evidence_section = forms.CharField(
        label="Amended evidence: section",
        required=False,
        max_length=200,
        help_text="For a document without pages, the heading the quote is under.",
        error_messages={"max_length": "The section must be 200 characters or fewer"},
    )

    def __init__(self, *args, reply: Reply, lock_version: int, **kwargs):
        self.reply = reply
        initial = kwargs.pop("initial", None) or {
            # A proposal sent back by the moderator is the starting point for a new answer.
            "reason": reply.answer_reason,
            **{proposed: getattr(reply, proposed) for proposed in AMENDABLE_FIELDS.values()},
        }
        super().__init__(*args, prefix=f"reply-{reply.pk}", initial=initial, **kwargs)
        code = reply.finding.expectation.code
        self.helper = _helper(
            Hidden("lock_version", lock_version, css_id=f"{self.prefix}-lock-version"),
            Field.radios("answer", legend_size=Size.SMALL),
            Field.textarea("reason", label_size=Size.SMALL, rows=4, max_characters=TEXT_MAX),
            Field.select("proposed_rating", label_size=Size.SMALL),
            Field.textarea(
                "proposed_comment", label_size=Size.SMALL, rows=4, max_characters=TEXT_MAX
            ),
            Field.textarea("proposed_evidence_quote", label_size=Size.SMALL, rows=4),
            Field.text("proposed_evidence_page", label_size=Size.SMALL, field_width=5),
            Field.text("proposed_evidence_section", label_size=Size.SMALL),
            Button.primary(f"save-answer-{reply.pk}", f"Save your answer on {code}"),
        )

    def clean(self):
        """An amendment is checked as the finding would read once amended, with the same
        messages the review step gives, each against the field that proposes it."""
        cleaned = super().clean()
        if cleaned.get("answer") != Reply.Answer.AMEND or self.errors:
            return cleaned
        finding = self.reply.finding
        amended = finding_as_amended(finding, **cleaned)
        if all(getattr(amended, f) == getattr(finding, f) for f in AMENDABLE_FIELDS):
            self.add_error("proposed_rating", "Give the amended rating, comment or evidence")
            return cleaned
        for field, message in amended.field_problems():
            self.add_error(AMENDABLE_FIELDS.get(field, "proposed_rating"), message)
        return cleaned


class AmendmentDecisionForm(forms.Form):
    """The moderator confirms an amendment, or sends it back to the reviewer with a note."""

    CONFIRM, REJECT = "confirm", "reject"

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            (CONFIRM, "Confirm the amendment: the finding changes"),
            (REJECT, "Send it back to the reviewer"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to confirm the amendment"},
    )
    note = _text(
        "Note to the reviewer",
        required=False,
        help_text="Needed if you send it back: say what the reviewer should reconsider.",
    )

    def __init__(self, *args, reply: Reply, lock_version: int, **kwargs):
        self.reply = reply
        super().__init__(*args, prefix=f"decision-{reply.pk}", **kwargs)
        code = reply.finding.expectation.code
        self.helper = _helper(
            Hidden("lock_version", lock_version, css_id=f"{self.prefix}-lock-version"),
            Field.radios("decision", legend_size=Size.SMALL),
            Field.textarea("note", label_size=Size.SMALL, rows=4, max_characters=TEXT_MAX),
            Button.primary(f"save-decision-{reply.pk}", f"Save your decision on {code}"),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REJECT and not (cleaned.get("note") or "").strip():
            self.add_error("note", "Say why the amendment goes back to the reviewer")
        return cleaned
