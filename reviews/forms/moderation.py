"""The moderator's two answers to a submitted review: sign it off, or return it.

Both forms sit on one page; a hidden `action` says which one was sent.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Hidden, Layout, Size, Submit
from django import forms

from ..services.lifecycle import MODERATOR_ATTESTATION

COMMENTS_MAX = 5000


class SignOffForm(forms.Form):
    action = "sign_off"

    attest = forms.BooleanField(
        label=MODERATOR_ATTESTATION,
        error_messages={"required": "Confirm the statement to sign off the review"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Hidden("action", self.action),
            Field.checkbox("attest"),
            Submit("sign_off", "Sign off"),
        )


class ReturnForm(forms.Form):
    action = "return"

    comments = forms.CharField(
        label="Say what the reviewer needs to change",
        max_length=COMMENTS_MAX,
        help_text="The reviewer sees these comments when the review comes back to them.",
        widget=forms.Textarea,
        error_messages={
            "required": "Say what the reviewer needs to change",
            "max_length": f"Comments must be {COMMENTS_MAX} characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Hidden("action", self.action),
            Field.textarea("comments", label_size=Size.SMALL, rows=6, max_characters=COMMENTS_MAX),
            Submit("return", "Return to the reviewer", css_class="govuk-button--secondary"),
        )
