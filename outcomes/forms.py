from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.conf import settings


class CheckForm(forms.Form):
    file = forms.FileField(
        label="Choose the outcome’s PDF file",
        error_messages={
            "required": "Select the PDF file of the outcome",
            "empty": "The selected file is empty.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.OUTCOME_CHECK_MAX_MB
        self.fields["file"].help_text = f"A PDF file, smaller than {limit} MB."
        self.fields["file"].widget.attrs["accept"] = ".pdf,application/pdf"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("file"), Submit("submit", "Check the outcome"))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        # Refused by its size before a byte of it is read.
        if uploaded.size > settings.OUTCOME_CHECK_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(
                f"The selected file must be smaller than {settings.OUTCOME_CHECK_MAX_MB} MB. "
                "Outcomes are much smaller than that."
            )
        return uploaded
