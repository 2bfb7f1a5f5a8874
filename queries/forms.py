from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from sealing.forms import DATE_WIDGET, ID_NUMBER_ERRORS
from sealing.identity import IdNumberError, parse_id_number

from .models import LegalBasis, Outcome, Purpose, QueryRequest, RequesterKind

MAX_UPLOAD = 10 * 1024 * 1024


def _id_number(value: str, required: bool = True) -> str:
    if not value.strip():
        if required:
            raise forms.ValidationError(_("This field is required."))
        return ""
    try:
        return parse_id_number(value).number
    except IdNumberError as exc:
        raise forms.ValidationError(ID_NUMBER_ERRORS[exc.code]) from exc


class IntakeForm(forms.ModelForm):
    legal_basis = forms.ModelChoiceField(
        label=_("legal basis"), queryset=LegalBasis.objects.filter(active=True), required=False,
        help_text=_("For a unit: the national regulation that allows the check."),
    )
    requester_user = forms.ModelChoiceField(
        label=_("requesting officer's account"), queryset=User.objects.filter(is_active=True, agency__isnull=False)
        .select_related("agency").order_by("agency__name", "username"), required=False,
        help_text=_("For a judicial organ: the account that receives time-limited access to permitted records."),
    )

    class Meta:
        model = QueryRequest
        fields = ["received", "requester_kind", "requester_name", "requester_id_number", "requester_organisation",
                  "requester_user", "subject_name", "subject_id_number", "purpose", "legal_basis", "occupation",
                  "application"]
        widgets = {"received": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received"].initial = timezone.localdate()
        self.fields["requester_user"].label_from_instance = lambda u: f"{u.agency} · {u.display_name}"

    def clean_received(self):
        received = self.cleaned_data["received"]
        if received > timezone.localdate():
            raise forms.ValidationError(_("The date of receipt cannot be in the future."))
        return received

    def clean_subject_id_number(self):
        return _id_number(self.cleaned_data["subject_id_number"])

    def clean_requester_id_number(self):
        return _id_number(self.cleaned_data["requester_id_number"], required=False)

    def clean_application(self):
        upload = self.cleaned_data.get("application")
        if upload and upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The application document may be at most 10 MB."))
        return upload

    def clean(self):
        data = super().clean()
        kind = data.get("requester_kind")
        if kind in (RequesterKind.SELF, RequesterKind.GUARDIAN) and not data.get("requester_id_number"):
            self.add_error("requester_id_number", _("Enter the requester's ID number."))
        if kind in (RequesterKind.JUDICIAL, RequesterKind.UNIT) and not data.get("requester_organisation"):
            self.add_error("requester_organisation", _("Enter the requesting organisation."))
        if kind == RequesterKind.UNIT and data.get("purpose") == Purpose.CERTIFICATE:
            self.add_error("purpose", _("A unit does not apply for a certificate: choose employment screening."))
        if kind == RequesterKind.SELF and data.get("requester_id_number") and data.get("subject_id_number") \
                and data["requester_id_number"] != data["subject_id_number"]:
            self.add_error("requester_id_number", _("A person asks about himself or herself: the ID numbers differ."))
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=Outcome.choices, widget=forms.RadioSelect)
    disclosed = forms.MultipleChoiceField(label=_("records to disclose"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required when you depart from the recommendation."))
    access_days = forms.IntegerField(label=_("days of access for the judicial organ"), min_value=1, max_value=90,
                                     initial=30)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["disclosed"].choices = candidates
