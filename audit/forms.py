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
