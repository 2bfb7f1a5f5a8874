from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from queries.permissions import reason_has_substance

from .models import COMPLAINT_SOURCES, Rule, Source, State, Triage
from .services import MAX_DESCRIPTION

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _substance(value: str, message) -> str:
    if not reason_has_substance(value):
        raise forms.ValidationError(message)
    return value.strip()


class FindingFilterForm(forms.Form):
    rule = forms.ChoiceField(label=_("rule"), required=False,
                             choices=[("", _("every rule")), *Rule.choices, ("none", _("other matter (complaint)"))])
    agency = forms.ModelChoiceField(label=_("agency concerned"), required=False, queryset=None,
                                    empty_label=_("every agency"))
    state = forms.ChoiceField(label=_("state"), required=False,
                              choices=[(State.OPEN, State.OPEN.label), (State.CLOSED, State.CLOSED.label),
                                       ("all", _("open and closed"))])
    triage = forms.ChoiceField(label=_("triage"), required=False, choices=[("", _("any triage")), *Triage.choices])
    source = forms.ChoiceField(label=_("source"), required=False,
                               choices=[("", _("scans and complaints")), (Source.SCAN, Source.SCAN.label),
                                        ("complaint", _("complaints"))])

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies

    def filters(self) -> dict:
        """The filters to apply; open findings when nothing (or nothing valid) is chosen."""
        if not self.is_bound or not self.is_valid():
            return {"state": State.OPEN}
        data = self.cleaned_data
        return {"rule": data["rule"], "agency": data["agency"], "state": data["state"] or State.OPEN,
                "triage": data["triage"], "source": data["source"]}


class AcceptForm(forms.Form):
    note = forms.CharField(label=_("note (optional)"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What you will look into, for the colleagues who take the lead up."))


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("why the finding is dismissed"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("At least ten characters. The reason is kept in the finding's history."))

    def clean_reason(self):
        return _substance(self.cleaned_data["reason"],
                          _("Say why you dismiss this finding, in at least ten characters."))


class ComplaintForm(forms.Form):
    source = forms.ChoiceField(label=_("source"),
                               choices=[(s.value, s.label) for s in COMPLAINT_SOURCES])
    received_on = forms.DateField(label=_("received"), widget=DATE_WIDGET)
    agency = forms.ModelChoiceField(label=_("agency concerned"), queryset=None)
    rule = forms.ChoiceField(label=_("kind of violation"), required=False,
                             choices=[("", _("other matter")), *Rule.choices])
    complainant = forms.CharField(label=_("complainant"), required=False, max_length=80,
                                  help_text=_("Name of the person or unit who complained, if known."))
    description = forms.CharField(label=_("description"), max_length=MAX_DESCRIPTION,
                                  widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=_("What the complaint says: the agency's act or omission, the case or "
                                              "document numbers it names, what the complainant asks."))

    def __init__(self, *args, agencies, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["agency"].queryset = agencies
        self.fields["received_on"].initial = today

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > self.today:
            raise forms.ValidationError(_("The date of receipt cannot be in the future."))
        return day

    def clean_description(self):
        return _substance(self.cleaned_data["description"], _("Describe the complaint in at least ten characters."))
