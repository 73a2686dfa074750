from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from django import forms

from .models import AuditEvent


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label="What happened",
        required=False,
        choices=[("", "Any action"), *AuditEvent.Action.choices],
        error_messages={"invalid_choice": "Select an action from the list"},
    )
    person = forms.CharField(label="Person's email contains", required=False, max_length=254)
    agency = forms.ModelChoiceField(
        label="Agency",
        required=False,
        # The agencies an event can name, reached through the event's own link to them.
        queryset=AuditEvent.agency.field.related_model.objects.order_by("name"),
        empty_label="Any agency",
        error_messages={"invalid_choice": "Select an agency from the list"},
    )
    date_from = DateInputField(label="From", required=False, require_all_fields=False)
    date_to = DateInputField(label="To", required=False, require_all_fields=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The fields are laid out in the page's grid; the helper lets the error summary show.
        self.helper = FormHelper()
        self.helper.form_tag = False

    def filters(self) -> dict[str, str]:
        """The filters given, in words, for the record of a download."""
        data = self.cleaned_data
        given = {
            "action": AuditEvent.Action(data["action"]).label if data["action"] else "",
            "person": data["person"],
            "agency": data["agency"].name if data["agency"] else "",
            "date_from": data["date_from"].isoformat() if data["date_from"] else "",
            "date_to": data["date_to"].isoformat() if data["date_to"] else "",
        }
        return {key: value for key, value in given.items() if value}
