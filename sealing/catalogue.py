"""Loading the charge catalogue from sealing/data/charges.json (482 charges, each citing its article)."""
import json
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext_noop

DATA = Path(__file__).resolve().parent / "data" / "charges.json"
FIELDS = (
    "article", "article_zh", "chapter", "chapter_title", "section", "section_title", "statutory_max",
    "statutory_max_months", "negligent", "national_security", "terrorism", "organized_crime", "drug",
    "high_incidence", "categories", "source",
)
REASON = gettext_noop("catalogue loaded")  # stored as is, shown translated (sealing/history.py)


def load_charges(charge_model, history_model) -> int:
    """Create or update every charge of the file, with a history row each; takes the models so that
    a migration can pass its historical ones."""
    count = 0
    for row in json.loads(DATA.read_text(encoding="utf-8")):
        values = {f: row[f] for f in FIELDS}
        values["section_title"] = values["section_title"] or ""
        values["statutory_max"] = values["statutory_max"] or ""
        charge, _ = charge_model.objects.update_or_create(name=row["name"], defaults=values)
        # bulk paths and migrations send no signals: the history row is written explicitly
        history_model.objects.create(
            id=charge.id, name=charge.name, history_type="+", history_change_reason=REASON,
            history_date=timezone.now(), **values
        )
        count += 1
    return count


def charge_info(charge) -> "ChargeInfo":
    """The rules engine's view of a catalogue charge."""
    from .rules import ChargeInfo

    return ChargeInfo(
        name=charge.name,
        statutory_max=charge.statutory_max or None,
        statutory_max_months=charge.statutory_max_months,
        negligent=charge.negligent,
        national_security=charge.national_security,
        terrorism=charge.terrorism,
        organized_crime=charge.organized_crime,
        drug=charge.drug,
        high_incidence=charge.high_incidence,
    )


class ChargeTable:
    """The catalogue as the rules engine reads it: `table(name)` -> ChargeInfo, or None for a name not
    in the catalogue; `table.names` lists every name (the JSON reader suggests the nearest one)."""

    def __init__(self, table: dict):
        self._table = dict(table)

    def __call__(self, name: str):
        return self._table.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self._table

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._table)


def charge_lookup() -> ChargeTable:
    """name -> ChargeInfo (None for a name not in the catalogue), read once from the database."""
    from .models import Charge

    return ChargeTable({charge.name: charge_info(charge) for charge in Charge.objects.all()})


def shipped_charge_names() -> tuple[str, ...]:
    """The names in sealing/data/charges.json (what the catalogue migration loads)."""
    return tuple(row["name"] for row in json.loads(DATA.read_text(encoding="utf-8")))


def charge_categories():
    """name -> frozenset of relevance categories (empty for a name not in the catalogue), read once."""
    from .models import Charge

    table = {name: frozenset(cats or ()) for name, cats in Charge.objects.values_list("name", "categories")}
    empty: frozenset[str] = frozenset()
    return lambda name: table.get(name, empty)


# --- The relevance categories of the charge and legal-basis catalogues (Q-UNIT-RELEVANT), for the admin's forms:
# the codes are the catalogues' keys (queries/rules/unit.py names them in Chinese for the reasons).
from django import forms  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

CRIME_CATEGORIES = (
    ("sexual", _("sexual offences")), ("abuse", _("abuse")), ("trafficking", _("trafficking in persons")),
    ("violence", _("violent injury")), ("property", _("offences against property")), ("fraud", _("fraud")),
    ("corruption", _("corruption and bribery")), ("duty", _("dereliction of duty")), ("drug", _("drugs")),
    ("traffic", _("traffic offences")), ("firearms", _("firearms, ammunition and explosives")),
    ("public_order", _("disturbing public order")), ("national_security", _("endangering national security")),
    ("terrorism", _("terrorist activities")), ("organized_crime", _("organised crime")),
    ("economic", _("undermining the market economy")), ("environment", _("damaging the environment and resources")),
    ("judicial", _("obstructing justice")), ("gambling", _("gambling")), ("prostitution", _("prostitution")),
    ("cyber", _("cybercrime")), ("public_health", _("endangering public health")),
)


class CategoriesField(forms.MultipleChoiceField):
    """A catalogue entry's categories as boxes to tick, by their names (the model stores the list of codes)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, required: bool, label, **kwargs):
        super().__init__(choices=CRIME_CATEGORIES, required=required, label=label, **kwargs)


class CategoriesAdminForm(forms.ModelForm):
    """The admin's form of a catalogue with ``categories``: ticked boxes instead of the JSON of codes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self._meta.model._meta.get_field("categories")
        self.fields["categories"] = CategoriesField(required=not field.blank, label=field.verbose_name)

    def clean_categories(self):
        return sorted(self.cleaned_data["categories"])
