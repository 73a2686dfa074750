from crispy_forms_gds.fields import DateInputField
from django import forms

from policies.models import Agency

from .models import AuditEvent


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label="What happened",
        required=False,
        choices=[("", "Any action"), *AuditEvent.Action.choices],
    )
    person = forms.CharField(label="Person's email contains", required=False, max_length=254)
    agency = forms.ModelChoiceField(
        label="Agency",
        required=False,
        queryset=Agency.objects.order_by("name"),
        empty_label="Any agency",
    )
    date_from = DateInputField(label="From", required=False, require_all_fields=False)
    date_to = DateInputField(label="To", required=False, require_all_fields=False)

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
