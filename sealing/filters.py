import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from common.crypto import blind_index

from .casenumber import normalize_case_number
from .identity import normalize_id_number
from .models import HIDDEN_STATES, Case, Defendant, Disposition, Record, RecordKind


def _shown_defendants():
    """Search terms match only defendants whose file is not hidden: a hidden defendant never makes a
    case appear in a result (a sealed record is indistinguishable from no record)."""
    return Defendant.objects.exclude(sealing_file__status__in=HIDDEN_STATES)


class CaseFilter(django_filters.FilterSet):
    case_number = django_filters.CharFilter(label=_("case number"), method="filter_case_number")
    id_number = django_filters.CharFilter(label=_("ID number of a defendant"), method="filter_id_number")
    disposition = django_filters.ChoiceFilter(
        label=_("disposition"), choices=Disposition.choices, method="filter_disposition"
    )
    year = django_filters.NumberFilter(label=_("year"))
    offense_after = django_filters.DateFilter(
        label=_("last act from"), field_name="offense_date", lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    offense_before = django_filters.DateFilter(
        label=_("last act until"), field_name="offense_date", lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Case
        fields = []

    def filter_case_number(self, queryset, name, value):
        return queryset.filter(case_number__icontains=normalize_case_number(value))

    def filter_id_number(self, queryset, name, value):
        # Exact match only: the number is encrypted, its keyed digest is what the index holds.
        digest = blind_index(normalize_id_number(value))
        return queryset.filter(pk__in=_shown_defendants().filter(person__id_number_index=digest).values("case_id"))

    def filter_disposition(self, queryset, name, value):
        return queryset.filter(pk__in=_shown_defendants().filter(disposition=value).values("case_id"))


class RecordFilter(django_filters.FilterSet):
    case_number = django_filters.CharFilter(label=_("case number"), method="filter_case_number")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=RecordKind.choices)

    class Meta:
        model = Record
        fields = []

    def filter_case_number(self, queryset, name, value):
        return queryset.filter(case__case_number__icontains=normalize_case_number(value))
