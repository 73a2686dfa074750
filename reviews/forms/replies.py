"""The right of reply's forms: the agency's reply to a finding, the reviewer's answer, and the
moderator's decision on an amendment. Each sits on a page with one form per finding, so each
has its own prefix; all are laid out with crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Hidden, Layout, Size
from django import forms

from ..models import Finding, Reply

TEXT_MAX = 5000


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
    """The reviewer keeps the finding or amends it, with the reason either way."""

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

    def __init__(self, *args, reply: Reply, lock_version: int, **kwargs):
        self.reply = reply
        initial = kwargs.pop("initial", None) or {
            # A proposal sent back by the moderator is the starting point for a new answer.
            "reason": reply.answer_reason,
            "proposed_rating": reply.proposed_rating,
            "proposed_comment": reply.proposed_comment,
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
            Button.primary(f"save-answer-{reply.pk}", f"Save your answer on {code}"),
        )


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
