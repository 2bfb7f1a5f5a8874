from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _, pgettext_lazy

from common.forms import ModelMultipleChoiceField

from . import selectors
from .casenumber import CaseNumberError, parse_case_number
from .disclosure import BREAK_GLASS_MIN_REASON, masked_label
from .identity import IdNumberError, parse_id_number
from .models import Case, Charge, Disposition, EventKind, Record, RecordKind, SentenceKind
from .observation import PROBLEMS as OBSERVATION_PROBLEMS
from .observation import event_problems, reason_problems, service_entry_problems
from .rules.kernel import MAX_YEAR, MIN_YEAR
from .rules.validation import (
    SENTENCE_MONTHS,
    check_case_dates,
    check_identity,
    check_offense_dates,
    check_sentence,
    is_suspendable,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SMALLINT_MAX = 32767  # a PositiveSmallIntegerField column holds no more, on every database


class DateField(forms.DateField):
    """A date the rules can reckon with: a year from MIN_YEAR to MAX_YEAR, the bounds the JSON commands apply
    too (a year 0001 or 9999 is a typing slip, and date arithmetic past 9999 fails)."""

    widget = DATE_WIDGET

    def validate(self, value):
        super().validate(value)
        if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise forms.ValidationError(_("Enter a date between the years %(low)s and %(high)s."), code="year",
                                        params={"low": MIN_YEAR, "high": MAX_YEAR})


class SearchForm(forms.Form):
    """A list's free-text search: short, so that a pasted megabyte is an error and not a LIKE pattern."""

    q = forms.CharField(required=False, max_length=100)

    def term(self) -> str:
        return self.cleaned_data["q"].strip() if self.is_valid() else ""

ID_NUMBER_ERRORS = {
    "shape": _("A resident ID number has 18 characters: 17 digits and a final digit or X."),
    "birth_date": _("Digits 7 to 14 of this ID number are not a valid date of birth."),
    "checksum": _("The check digit (the last character) of this ID number is wrong: please check the number."),
}
CASE_NUMBER_ERRORS = {
    "empty": _("Enter the case number."),
    "shape": _("The case number is malformed: write it as （2024）粤0106刑初123号 or 穗越检刑不诉〔2024〕12号."),
    "year": _("The year in the case number is not plausible."),
    "sequence": _("The sequence number in the case number cannot be 0."),
}
# The law is in sealing/rules/validation.py (one validation for this form and `evaluate_sealing`):
# each of its error codes maps to the form field that shows it and the message the clerk reads.
BIRTH_BEFORE_OFFENCE = _("The date of birth must be before the offence.")
PROBLEM_MESSAGES = {
    # case
    "offense_start_after_offense": ("offense_start_date", _("The first act cannot be after the last act.")),
    "offense_in_future": ("offense_date", _("The date of the last act cannot be in the future.")),
    # person
    "birth_date_mismatch": ("birth_date", _("The date of birth does not match the ID number.")),
    "identity_required": ("id_number", _("Enter the ID number, or the date of birth when the person has none.")),
    "id_number_shape": ("id_number", ID_NUMBER_ERRORS["shape"]),
    "id_number_birth_date": ("id_number", ID_NUMBER_ERRORS["birth_date"]),
    "id_number_checksum": ("id_number", ID_NUMBER_ERRORS["checksum"]),
    "offense_not_after_birth": ("birth_date", BIRTH_BEFORE_OFFENCE),
    "offense_start_not_after_birth": ("birth_date", BIRTH_BEFORE_OFFENCE),
    # sentence
    "sentence_not_sentenced": ("sentence_kind", _("Only a sentenced defendant has a principal sentence.")),
    "sentence_months_range": ("sentence_months", _("This sentence lasts from %(low)s to %(high)s months.")),
    "sentence_months_not_applicable": ("sentence_months", _("This sentence has no length in months.")),
    "sentence_not_suspendable": (
        "suspended", _("Only detention or fixed-term imprisonment of 3 years or less can be suspended.")
    ),
    "probation_range": (
        "probation_months",
        _("The probation period is %(low)s to %(high)s months and not shorter than the sentence."),
    ),
    "probation_without_suspension": ("probation_months", _("Only a suspended sentence has a probation period.")),
    # dates of the judgment
    "effective_before_offense": (
        "judgment_effective_date", _("The judgment cannot take effect before the last act of the offence.")
    ),
    "effective_in_future": ("judgment_effective_date", _("The effective date cannot be in the future.")),
    "completed_before_effective": (
        "sentence_completed_date", _("The sentence cannot be completed before the judgment takes effect.")
    ),
    "completed_in_future": ("sentence_completed_date", _("The completion date cannot be in the future.")),
    "completed_without_sentence": ("sentence_completed_date", _("Only a sentence can be completed.")),
}


def add_problems(form: forms.Form, problems) -> None:
    """Show each rule problem on its field, translated; the same message once per field."""
    shown = set()
    for problem in problems:
        field, message = PROBLEM_MESSAGES[problem.code]
        if "%(" in str(message):
            message = message % problem.params
        if field not in form.fields:
            field = None
        if (field, str(message)) in shown:
            continue
        shown.add((field, str(message)))
        form.add_error(field, forms.ValidationError(message, code=problem.code))


def today() -> dt.date:
    return timezone.localdate()


class CaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["case_number", "offense_start_date", "offense_date", "summary"]
        field_classes = {"offense_start_date": DateField, "offense_date": DateField}
        widgets = {
            "offense_start_date": DATE_WIDGET,
            "offense_date": DATE_WIDGET,
            "summary": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "offense_start_date": _("Only when the acts span a period: the date of the first act."),
        }

    def __init__(self, *args, registered: dict[str, int] | None = None, **kwargs):
        """``registered``: case number -> case id of the stored cases among numbers this form's is one of, read
        by a caller checking many (the case import) instead of a query per form."""
        super().__init__(*args, **kwargs)
        self.registered = registered

    def clean_case_number(self):
        raw = self.cleaned_data["case_number"]
        try:
            number, year = parse_case_number(raw, max_year=today().year)
        except CaseNumberError as exc:
            raise forms.ValidationError(CASE_NUMBER_ERRORS[str(exc)], code="case_number") from exc
        if self.registered is not None:
            taken = self.registered.get(number) not in (None, self.instance.pk)
        else:
            taken = Case.objects.filter(case_number=number).exclude(pk=self.instance.pk).exists()
        if taken:
            raise forms.ValidationError(_("A case with this number is already registered."), code="duplicate")
        self.case_year = year
        return number

    def validate_unique(self):
        # the case number, the one unique column, was checked by clean_case_number, with its own message
        exclude = self._get_validation_exclusions() | {"case_number"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as e:
            self._update_errors(e)

    def clean(self):
        data = super().clean()
        if getattr(self, "case_year", None):
            data["year"] = self.instance.year = self.case_year
        add_problems(self, check_offense_dates(data.get("offense_date"), data.get("offense_start_date"), today=today()))
        return data


class DefendantForm(forms.Form):
    """A person and the outcome of the case for that person."""

    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=60)
    id_number = forms.CharField(
        label=_("resident ID number"), max_length=20, required=False,
        help_text=_("18 characters; the date of birth and sex are read from it."),
    )
    birth_date = DateField(
        label=_("date of birth"), required=False, widget=DATE_WIDGET, help_text=_("Only when there is no ID number.")
    )
    # chosen in the page's charge picker (templates/sealing/_charge_picker.html): one hidden input per chip, so
    # the page carries no list of the catalogue, and the choices are posted as ids, as a <select> posts them
    charges = ModelMultipleChoiceField(
        label=_("charges"), queryset=Charge.objects.order_by("chapter", "article"), widget=forms.MultipleHiddenInput,
        required=False,  # required in clean(): a charge may come typed instead (charges_typed)
    )
    # the picker's search box, posted as typed: a charge named there in full ("盗窃罪", "盗窃" or its article) is
    # chosen too, so a clerk without JavaScript, or who saves before choosing from the list, loses nothing
    charges_typed = forms.CharField(label=_("charges"), required=False, max_length=200)
    disposition = forms.ChoiceField(label=_("disposition"), choices=Disposition.choices)
    sentence_kind = forms.ChoiceField(
        label=_("principal sentence"), choices=[("", "—")] + list(SentenceKind.choices), required=False
    )
    sentence_months = forms.IntegerField(label=_("months"), min_value=0, max_value=SMALLINT_MAX, required=False)
    suspended = forms.BooleanField(label=_("suspended"), required=False)
    probation_months = forms.IntegerField(label=_("probation months"), min_value=0, max_value=SMALLINT_MAX,
                                          required=False)
    judgment_effective_date = DateField(
        label=_("judgment or decision effective"), required=False, widget=DATE_WIDGET
    )
    sentence_completed_date = DateField(label=_("sentence completed"), required=False, widget=DATE_WIDGET)
    plea = forms.BooleanField(label=_("plea of guilt and acceptance of punishment"), required=False)
    surrender = forms.BooleanField(label=_("voluntary surrender"), required=False)
    good_conduct = forms.BooleanField(label=_("good conduct while serving"), required=False)
    prior_convictions = forms.IntegerField(label=_("prior convictions"), min_value=0, max_value=SMALLINT_MAX, initial=0)
    main_conduct_before_18 = forms.NullBooleanField(
        label=_("main criminal conduct before the 18th birthday"), required=False,
        widget=forms.NullBooleanSelect,
        help_text=_("Needed only when the acts span the 18th birthday."),
    )
    # Verified community-service hours are not typed here: they are the sum of the entries a second clerk
    # verified (sealing/observation.py).

    def __init__(self, *args, offense_date=None, offense_start_date=None, charges: dict | None = None, **kwargs):
        """``charges``: the catalogue (id -> Charge), given by a caller checking many rows (the case import)."""
        super().__init__(*args, **kwargs)
        if charges is not None:
            self.fields["charges"].known = charges
        self.offense_date = offense_date
        self.offense_start_date = offense_start_date

    def chosen_charges(self) -> list[Charge]:
        """The charges the picker shows as chips: a posted form's valid choices (kept after an error elsewhere),
        else the initial ones (a defendant being edited)."""
        if self.is_bound:
            self.errors  # noqa: B018  (validates the form: its charges are read once, by the field)
            if not hasattr(self, "cleaned_data"):
                return []
            return list(self.cleaned_data.get("charges") or getattr(self, "chosen", ()))
        initial = self.get_initial_for_field(self.fields["charges"], "charges") or ()
        if all(isinstance(charge, Charge) for charge in initial):
            return list(initial)
        return list(self.fields["charges"].queryset.filter(pk__in=[getattr(c, "pk", c) for c in initial]))

    def clean_id_number(self):
        raw = self.cleaned_data["id_number"]
        if not raw.strip():
            return ""
        try:
            return parse_id_number(raw).number
        except IdNumberError as exc:
            raise forms.ValidationError(ID_NUMBER_ERRORS[exc.code], code="id_number") from exc

    def clean(self):
        data = super().clean()
        self._clean_charges(data)
        self._clean_identity(data)
        self._clean_sentence(data)
        self._clean_dates(data)
        return data

    def _clean_charges(self, data):
        typed = data.pop("charges_typed", "") or ""
        if "charges" in self.errors:
            return
        chosen = list(data.get("charges") or ())
        found, unknown = selectors.charges_named(typed)
        chosen += [charge for charge in found if charge.pk not in {c.pk for c in chosen}]
        data["charges"] = self.chosen = chosen  # kept for the chips when an error below drops the field's data
        for name in unknown:
            self.add_error("charges", _("No single charge of the catalogue is named “%(name)s”: type more of its "
                                        "name or its article, and choose it from the list.") % {"name": name})
        if not chosen and not unknown:
            self.add_error("charges", self.fields["charges"].error_messages["required"])

    def _clean_identity(self, data):
        if "id_number" not in data or "birth_date" in self.errors:
            return  # already an error on the ID number or the birth date
        birth, problems = check_identity(data.get("id_number") or None, data.get("birth_date"))
        add_problems(self, problems)
        if birth is not None:
            data["birth_date"] = birth

    def _clean_sentence(self, data):
        disposition, kind = data.get("disposition"), data.get("sentence_kind") or None
        months, probation = data.get("sentence_months"), data.get("probation_months")
        suspended = bool(data.get("suspended"))
        if disposition == Disposition.SENTENCED and not kind:
            self.add_error("sentence_kind", _("Enter the principal sentence."))
            return
        charges = data.get("charges")
        problems = check_sentence(disposition, kind, months, suspended, probation,
                                  charge_count=len(charges) if charges else 1)
        add_problems(self, problems)
        if problems:
            return
        # what the clerk must fill in (the JSON command treats these as missing facts instead)
        if kind in SENTENCE_MONTHS and months is None:
            self.add_error("sentence_months", _("Enter the length of the sentence in months."))
        if suspended and is_suspendable(kind, months) and probation is None:
            self.add_error("probation_months", _("Enter the probation period of the suspended sentence."))

    def _clean_dates(self, data):
        effective, completed = data.get("judgment_effective_date"), data.get("sentence_completed_date")
        add_problems(self, check_case_dates(
            birth_date=data.get("birth_date"), offense_date=self.offense_date,
            offense_start_date=self.offense_start_date, judgment_effective_date=effective,
            sentence_completed_date=completed, disposition=data.get("disposition"), today=today(),
            include_offense_order=False,  # the case form checks the order of the acts
        ))
        if completed and not effective and "judgment_effective_date" not in self.errors:
            self.add_error("judgment_effective_date", _("Enter the effective date before the completion date."))


class BaseDefendantFormSet(forms.BaseFormSet):
    """The defendants of a new case; a block can be removed (its DELETE ticked, or the page's × button)."""

    deletion_widget = forms.CheckboxInput(attrs={"class": "form-check-input", "data-formset-delete": ""})

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove this defendant")

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            number = form.cleaned_data.get("id_number")
            if number and number in seen:
                form.add_error("id_number", _("This person is already a defendant of this case."))
            seen.add(number)

    def defendants(self) -> list[dict]:
        """The cleaned data of each defendant kept (neither removed nor left blank), in the page's order."""
        kept = [form.cleaned_data for form in self.forms if form.cleaned_data and not self._should_delete_form(form)]
        return [{key: value for key, value in data.items() if key != "DELETE"} for data in kept]


DefendantFormSet = forms.formset_factory(
    DefendantForm, formset=BaseDefendantFormSet, extra=0, min_num=1, validate_min=True, max_num=50, can_delete=True,
    absolute_max=50,  # a forged TOTAL_FORMS never builds more forms than that (Django's default allows 1,050)
)


class RecordForm(forms.ModelForm):
    class Meta:
        model = Record
        fields = ["kind", "title", "document_number", "defendant", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["defendant"].queryset = case.defendants.select_related("person", "sealing_file")
        self.fields["defendant"].label_from_instance = masked_label  # the gate masks a hidden defendant
        self.fields["kind"].choices = RecordKind.choices


class UnsealForm(forms.Form):
    ground = forms.ChoiceField(label=_("legal ground"))
    document = forms.CharField(label=_("deciding document (number)"), max_length=80)

    def __init__(self, *args, grounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = grounds


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=EventKind.choices)
    date = DateField(label=_("date the judgment or decision took effect"), widget=DATE_WIDGET)
    document_number = forms.CharField(label=_("document number"), max_length=80)

    def __init__(self, *args, start_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_date = start_date

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > today():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return date


class BreakGlassForm(forms.Form):
    """The reason for reading a sealed file's facts; it goes to the access log with the read."""

    reason = forms.CharField(label=_("why you must read this sealed file"), min_length=BREAK_GLASS_MIN_REASON,
                             max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("The reason and the read are logged and shown to the supervising procuratorate."))


# --- Observation over time (sealing/observation.py holds the checks; the forms show them on their fields) ---

def add_observation_problems(form: forms.Form, codes) -> None:
    for code in codes:
        field, message = OBSERVATION_PROBLEMS[code]
        form.add_error(field if field in form.fields else None, forms.ValidationError(gettext(message), code=code))


class ServiceEntryForm(forms.Form):
    """Community-service hours as served; they count once a second clerk verifies them (A-CS)."""

    hours = forms.IntegerField(label=_("hours"), min_value=1, max_value=10000)
    served_from = DateField(label=_("served from"), widget=DATE_WIDGET)
    served_to = DateField(label=_("served to"), widget=DATE_WIDGET)
    description = forms.CharField(label=_("service and place"), max_length=200)
    document_number = forms.CharField(label=_("proof (document number)"), max_length=80, required=False,
                                      help_text=_("The number of the certificate or record that proves the service."))

    def clean(self):
        data = super().clean()
        if not self.errors:
            add_observation_problems(self, service_entry_problems(
                hours=data.get("hours"), served_from=data.get("served_from"), served_to=data.get("served_to"),
                description=data.get("description", ""), as_of=today()))
        return data


class ReasonForm(forms.Form):
    """Why: a rejection, a correction or a withdrawal keeps the clerk's reason in the history."""

    reason = forms.CharField(label=_("reason"), max_length=100, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("At least ten characters; recorded with the change."))

    def clean_reason(self):
        reason = self.cleaned_data["reason"]
        problems = reason_problems(reason)
        if problems:
            raise forms.ValidationError(gettext(OBSERVATION_PROBLEMS[problems[0]][1]), code=problems[0])
        return reason.strip()


class EventCorrectionForm(ReasonForm):
    """Correct an event's kind, date or document number, with the reason for the correction."""

    kind = forms.ChoiceField(label=_("kind"), choices=EventKind.choices)
    date = DateField(label=_("date the judgment or decision took effect"), widget=DATE_WIDGET)
    document_number = forms.CharField(label=_("document number"), max_length=80)
    field_order = ["kind", "date", "document_number", "reason"]

    def clean(self):
        data = super().clean()
        if all(name in data for name in ("kind", "date", "document_number")):
            add_observation_problems(self, event_problems(kind=data["kind"], date=data["date"],
                                                          document_number=data["document_number"], as_of=today()))
        return data
