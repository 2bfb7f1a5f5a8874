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
