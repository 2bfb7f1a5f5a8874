"""Load the charge catalogue (sealing/data/charges.json: 482 charges of the Criminal Law, each with its article)."""
from django.db import migrations

from sealing.catalogue import load_charges


def load(apps, schema_editor):
    load_charges(apps.get_model("sealing", "Charge"), apps.get_model("sealing", "HistoricalCharge"))


def unload(apps, schema_editor):
    apps.get_model("sealing", "Charge").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("sealing", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
