from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, User
from sealing.forms import DATE_WIDGET, ID_NUMBER_ERRORS, DateField
from sealing.identity import IdNumberError, parse_id_number

from . import permissions, rules, uploads
from .models import DocumentKind, LegalBasis, ObjectionOutcome, ObjectorKind, Outcome, Purpose, QueryRequest, RequesterKind

FILE_WIDGET = forms.ClearableFileInput(attrs={"accept": uploads.ACCEPT})
FILE_HELP = _("PDF, JPG or PNG, at most 10 MB.")


def _id_number(value: str, required: bool = True) -> str:
    if not value.strip():
        if required:
            raise forms.ValidationError(_("This field is required."))
        return ""
    try:
        return parse_id_number(value).number
    except IdNumberError as exc:
        raise forms.ValidationError(ID_NUMBER_ERRORS[exc.code]) from exc


def printable_name(value: str) -> str:
    """A name printed on an official document: middle dots written as "·"; characters the document font
    cannot print (emoji, scripts other than Chinese) are refused here rather than at decision time."""
    from . import documents

    value = documents.normalize_name(value.strip())
    missing = documents.unprintable(value)
    if missing:
        raise forms.ValidationError(
            _("These characters cannot be printed on an official document: %(chars)s. Enter the name in Chinese "
              "characters as on the resident ID card (a middle dot is written ·).") % {"chars": " ".join(missing)})
    return value


def checked_upload(upload):
    """A Django UploadedFile checked by uploads.check (type by content, size); None when nothing was sent."""
    if not upload:
        return None
    try:
        return uploads.check(upload)
    except uploads.UploadRejected as exc:
        raise forms.ValidationError(str(exc)) from exc


class IntakeForm(forms.ModelForm):
    legal_basis = forms.ModelChoiceField(
        label=_("legal basis"), queryset=LegalBasis.objects.filter(active=True), required=False,
        help_text=_("For a unit: the national regulation that allows the check."),
    )
    requester_agency = forms.ModelChoiceField(
        label=_("requesting judicial organ"), queryset=Agency.objects.none(), required=False,
        help_text=_("For a judicial organ: the court, procuratorate or public security organ that asks."),
    )
    requester_user = forms.ModelChoiceField(
        label=_("requesting officer's account"), queryset=User.objects.none(), required=False,
        help_text=_("For a judicial organ: the account that receives time-limited access to permitted records."),
    )
    application = forms.FileField(label=_("application document"), required=False, widget=FILE_WIDGET,
                                  help_text=FILE_HELP)

    class Meta:
        model = QueryRequest
        fields = ["received", "requester_kind", "requester_name", "requester_id_number", "requester_organisation",
                  "requester_agency", "requester_user", "subject_name", "subject_id_number", "purpose",
                  "legal_basis", "occupation"]
        widgets = {"received": DATE_WIDGET}
        field_classes = {"received": DateField}

    def __init__(self, *args, user, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.today = user, today
        self.fields["received"].initial = today
        organs = Agency.objects.filter(kind__in=permissions.JUDICIAL_KINDS).exclude(pk=user.agency_id)
        self.fields["requester_agency"].queryset = organs
        self.fields["requester_user"].queryset = (
            User.objects.filter(is_active=True, agency__in=organs).exclude(pk=user.pk)
            .select_related("agency").order_by("agency__name", "username"))
        self.fields["requester_user"].label_from_instance = lambda u: f"{u.agency} · {u.display_name}"

    def clean_received(self):
        received = self.cleaned_data["received"]
        if received > self.today:
            raise forms.ValidationError(_("The date of receipt cannot be in the future."))
        return received

    def clean_subject_id_number(self):
        return _id_number(self.cleaned_data["subject_id_number"])

    def clean_requester_id_number(self):
        return _id_number(self.cleaned_data["requester_id_number"], required=False)

    def clean_subject_name(self):
        return printable_name(self.cleaned_data["subject_name"])

    def clean_requester_name(self):
        return printable_name(self.cleaned_data["requester_name"])

    def clean_requester_organisation(self):
        value = self.cleaned_data.get("requester_organisation") or ""
        return printable_name(value) if value.strip() else ""

    def clean_application(self):
        return checked_upload(self.cleaned_data.get("application"))

    def clean(self):
        data = super().clean()
        kind = data.get("requester_kind")
        if kind in (RequesterKind.SELF, RequesterKind.GUARDIAN) and not data.get("requester_id_number"):
            self.add_error("requester_id_number", _("Enter the requester's ID number."))
        if kind == RequesterKind.JUDICIAL and data.get("requester_agency") and not data.get("requester_organisation"):
            data["requester_organisation"] = data["requester_agency"].name
        if kind in (RequesterKind.JUDICIAL, RequesterKind.UNIT) and not data.get("requester_organisation"):
            self.add_error("requester_organisation", _("Enter the requesting organisation."))
        if kind == RequesterKind.UNIT and data.get("purpose") == Purpose.CERTIFICATE:
            self.add_error("purpose", _("A unit does not apply for a certificate: choose employment screening."))
        if kind == RequesterKind.SELF and data.get("requester_id_number") and data.get("subject_id_number") \
                and data["requester_id_number"] != data["subject_id_number"]:
            self.add_error("requester_id_number", _("A person asks about himself or herself: the ID numbers differ."))
        if kind == RequesterKind.JUDICIAL:
            self._check_recipient(data)
        else:
            data["requester_agency"] = data["requester_user"] = None
        return data

    def _check_recipient(self, data):
        """Q-RECIPIENT at intake: the same question the service asks when access is granted."""
        if not data.get("requester_agency"):
            self.add_error("requester_agency", _("Choose the requesting judicial organ."))
            return
        draft = QueryRequest(agency=self.user.agency, taken_by=self.user, requester_kind=RequesterKind.JUDICIAL,
                             requester_agency=data["requester_agency"])
        ok, reason = permissions.can_receive_access(data.get("requester_user"), draft, self.today)
        if not ok:
            self.add_error("requester_user", _gettext(reason))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=Outcome.choices, widget=forms.RadioSelect)
    disclosed = forms.MultipleChoiceField(label=_("records to disclose"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required when you depart from the recommendation: at least ten characters. "
                                         "A departure that discloses more takes effect only when a second reviewer "
                                         "approves it."))
    access_days = forms.IntegerField(label=_("days of access for the judicial organ"), min_value=1, max_value=90,
                                     initial=30)

    def __init__(self, *args, candidates=(), judicial=False, requester=None, decisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if decisions is not None:  # only the decisions Q-DOCS allows this requester, each with its document
            labels, documents = dict(Outcome.choices), dict(DocumentKind.choices)
            self.fields["decision"].choices = [
                (d, _gettext("%(decision)s — issues: %(document)s") % {
                    "decision": labels[d], "document": documents[rules.document_of_decision(requester, d)]})
                for d in decisions]
        self.fields["disclosed"].choices = candidates
        if not candidates:
            del self.fields["disclosed"]
        if not judicial:
            del self.fields["access_days"]  # only a judicial organ's officer receives access


class ApprovalForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"
    action = forms.ChoiceField(label=_("your answer"), widget=forms.RadioSelect,
                               choices=[(APPROVE, _("approve the decision")), (REJECT, _("reject it"))])
    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required when you reject: at least ten characters."))


class UndertakingForm(forms.Form):
    signer_name = forms.CharField(label=_("signed by"), max_length=60)
    signer_position = forms.CharField(label=_("signer's position"), max_length=80, required=False)
    signed_on = DateField(label=_("signed on"), widget=DATE_WIDGET)
    text = forms.CharField(label=_("text of the undertaking"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Record the text the unit signed, or upload the signed paper."))
    file = forms.FileField(label=_("signed undertaking (file)"), required=False, widget=FILE_WIDGET,
                           help_text=FILE_HELP)

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_signed_on(self):
        signed = self.cleaned_data["signed_on"]
        if signed > self.today:
            raise forms.ValidationError(_("The date of signature cannot be in the future."))
        return signed

    def clean_file(self):
        return checked_upload(self.cleaned_data.get("file"))

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Upload the signed undertaking or record its text."))
        return data


class ObjectionForm(forms.Form):
    objector_kind = forms.ChoiceField(label=_("objector"), choices=ObjectorKind.choices)
    objector_name = forms.CharField(label=_("objector's name"), max_length=80)
    received = DateField(label=_("received"), widget=DATE_WIDGET)
    grounds = forms.CharField(label=_("grounds of the objection"), widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=_("written objection (file)"), required=False, widget=FILE_WIDGET,
                           help_text=FILE_HELP)

    def __init__(self, *args, query, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.query, self.today = query, today
        self.fields["received"].initial = today
        if query.requester_kind != RequesterKind.UNIT:
            self.fields["objector_kind"].choices = [c for c in ObjectorKind.choices if c[0] != ObjectorKind.UNIT]

    def clean_received(self):
        received = self.cleaned_data["received"]
        if received > self.today:
            raise forms.ValidationError(_("The date of receipt cannot be in the future."))
        answered = self.query.answered_on
        if answered and received < answered:
            raise forms.ValidationError(_("An objection is received after the answer it objects to."))
        return received

    def clean_objector_name(self):
        return printable_name(self.cleaned_data["objector_name"])

    def clean_grounds(self):
        grounds = self.cleaned_data["grounds"].strip()
        if not permissions.reason_has_substance(grounds):
            raise forms.ValidationError(_("State the grounds of the objection (at least ten characters)."))
        return grounds

    def clean_file(self):
        return checked_upload(self.cleaned_data.get("file"))


class ExtendObjectionForm(forms.Form):
    reason = forms.CharField(label=_("reason for the extension"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("At least ten characters; the time limit becomes 30 working days."))


class AnswerObjectionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=ObjectionOutcome.choices, widget=forms.RadioSelect)
    answer = forms.CharField(label=_("reasons of the re-examination"), widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("At least ten characters; printed in the re-examination opinion."))
