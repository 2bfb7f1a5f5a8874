"""Loading the legal-basis catalogue from queries/data/legal_bases.json (each entry cites its article)."""
import json
from pathlib import Path

from django.utils import timezone

DATA = Path(__file__).resolve().parent / "data" / "legal_bases.json"
FIELDS = ("law", "article", "summary", "occupation", "categories", "source")


def load_legal_bases(basis_model, history_model) -> int:
    count = 0
    for row in json.loads(DATA.read_text(encoding="utf-8")):
        values = {f: row[f] for f in FIELDS}
        basis, _ = basis_model.objects.update_or_create(code=row["code"], defaults=values)
        history_model.objects.create(id=basis.id, code=basis.code, active=basis.active, history_type="+",
                                     history_change_reason="catalogue loaded", history_date=timezone.now(), **values)
        count += 1
    return count


def category_names_in(text: str) -> str:
    """A summary that cites relevance categories by their codes ("（corruption）"), with their Chinese names instead
    (“贪污贿赂”): the summary is shown to reviewers as it is, on the Chinese pages too."""
    import re

    from .rules import CATEGORY_ZH

    codes = "|".join(sorted(CATEGORY_ZH, key=len, reverse=True))
    return re.sub(rf"(?<![A-Za-z_])({codes})(?![A-Za-z_])", lambda m: f"“{CATEGORY_ZH[m.group(1)]}”", text)
