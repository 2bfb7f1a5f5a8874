"""Load the legal-basis catalogue (25 national laws and regulations, MPL-62 first)."""
from django.db import migrations

from queries.catalogue import load_legal_bases


def load(apps, schema_editor):
    load_legal_bases(apps.get_model("queries", "LegalBasis"), apps.get_model("queries", "HistoricalLegalBasis"))


class Migration(migrations.Migration):
    dependencies = [("queries", "0005_overdue_flag")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
