from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import ModelMultipleChoiceField
from queries import uploads
from queries.permissions import reason_has_substance
from sealing.forms import DateField

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
    received_on = DateField(label=_("received"), widget=DATE_WIDGET)
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


# --- instruments ----------------------------------------------------------------------------------------

class InstrumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind of instrument"), choices=[])
    agency = forms.ModelChoiceField(label=_("agency addressed"), queryset=None)
    findings = ModelMultipleChoiceField(
        label=_("findings it rests on"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Open findings about the agency addressed; leave empty for an instrument drafted freely."))
    facts = forms.CharField(label=_("facts"), max_length=8000, widget=forms.Textarea(attrs={"rows": 5}),
                            help_text=_("What the agency did or failed to do, with the dates and document numbers."))
    legal_basis = forms.CharField(label=_("legal basis"), max_length=8000, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("The provisions violated and those the instrument is issued under."))
    correction_required = forms.CharField(label=_("correction required"), max_length=8000,
                                          widget=forms.Textarea(attrs={"rows": 3}))
    copy_to = forms.CharField(label=_("copy to (抄送)"), max_length=200, required=False,
                              help_text=_("The agency's superior the instrument is copied to, if any."))

    def __init__(self, *args, agencies, findings, **kwargs):
        from .models import InstrumentKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = InstrumentKind.choices
        self.fields["agency"].queryset = agencies
        self.fields["findings"].queryset = findings
        self.fields["findings"].label_from_instance = lambda f: f"{f.serial} · {f.agency.name if f.agency else ''}"

    def clean(self):
        data = super().clean()
        agency = data.get("agency")
        for finding in data.get("findings") or ():
            if agency is not None and finding.agency_id != agency.pk:
                self.add_error("findings", _("Every finding an instrument rests on must concern the agency it is "
                                             "addressed to."))
                break
        return data


class IssueForm(forms.Form):
    deadline = DateField(label=_("reply due"), required=False, widget=DATE_WIDGET,
                               help_text=_("Empty: the policy's period from today."))

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_deadline(self):
        day = self.cleaned_data["deadline"]
        if day is not None and day <= self.today:
            raise forms.ValidationError(_("The reply deadline must be after the date of issue."))
        return day


class NoteForm(forms.Form):
    note = forms.CharField(label=_("note (optional)"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class RejectReplyForm(forms.Form):
    reason = forms.CharField(label=_("why the reply is rejected"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("At least ten characters; the agency reads it."))
    deadline = DateField(label=_("new reply deadline"), widget=DATE_WIDGET)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_reason(self):
        return _substance(self.cleaned_data["reason"], _("Say why the reply is rejected, in at least ten characters."))

    def clean_deadline(self):
        day = self.cleaned_data["deadline"]
        if day <= self.today:
            raise forms.ValidationError(_("The new deadline must be after today."))
        return day


class ReviewAnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("review outcome"), widget=forms.RadioSelect, choices=[])
    answer = forms.CharField(label=_("answer to the agency"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        from .models import ReviewOutcome

        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = ReviewOutcome.choices

    def clean_answer(self):
        return _substance(self.cleaned_data["answer"],
                          _("Give the answer to the review in at least ten characters."))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ReplyForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), widget=forms.RadioSelect, choices=[])
    actions = forms.CharField(label=_("what was done"), required=False, max_length=8000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    reasons = forms.CharField(label=_("reasons (for what was not adopted)"), required=False, max_length=8000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField(label=_("attachments"), required=False,
                                    help_text=_("PDF, JPEG or PNG, at most 10 MB each."))

    def __init__(self, *args, **kwargs):
        from .models import ReplyOutcome

        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = ReplyOutcome.choices

    def clean(self):
        from .instruments import ATTACHMENT_TYPES, MAX_ATTACHMENT
        from .models import ReplyOutcome

        data = super().clean()
        outcome = data.get("outcome")
        if outcome and outcome != ReplyOutcome.NOT_ADOPTED and not reason_has_substance(data.get("actions", "")):
            self.add_error("actions", _("Say what was done, in at least ten characters."))
        if outcome and outcome != ReplyOutcome.ADOPTED and not reason_has_substance(data.get("reasons", "")):
            self.add_error("reasons", _("Say why it was not (fully) adopted, in at least ten characters."))
        checked = []
        for upload in data.get("attachments") or ():
            if upload.size > MAX_ATTACHMENT:
                self.add_error("attachments", _("An attachment is larger than 10 MB."))
                continue
            try:  # the type by the file's first bytes, not by what the browser declares
                upload = uploads.check(upload)
            except uploads.UploadRejected:
                upload = None
            if upload is None or upload.content_type not in ATTACHMENT_TYPES:
                self.add_error("attachments", _("Attach PDF, JPEG or PNG files only."))
            else:
                checked.append(upload)
        data["attachments"] = checked
        return data


class ReviewRequestForm(forms.Form):
    reason = forms.CharField(label=_("grounds of the review request"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 4}))

    def clean_reason(self):
        return _substance(self.cleaned_data["reason"], _("Give the grounds for review in at least ten characters."))


class DraftEditForm(forms.Form):
    facts = InstrumentForm.base_fields["facts"]
    legal_basis = InstrumentForm.base_fields["legal_basis"]
    correction_required = InstrumentForm.base_fields["correction_required"]
    copy_to = InstrumentForm.base_fields["copy_to"]
