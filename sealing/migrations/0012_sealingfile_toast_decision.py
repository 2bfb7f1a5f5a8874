"""The stored decision (its trace, 1-2 KB a row) leaves the sealing file's main table on PostgreSQL: with
``toast_tuple_target`` at its minimum the trace is compressed and kept out of line, so the lists and joins over
sealing files read rows of about 200 bytes instead of 2 KB (bench/RESULTS.md). Rows written before take the
new storage when next written (the generator and the sweep write them). No-op on other databases."""
from django.db import migrations


def toast(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE sealing_sealingfile SET (toast_tuple_target = 128)")
        schema_editor.execute("ALTER TABLE sealing_historicalsealingfile SET (toast_tuple_target = 128)")


def untoast(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE sealing_sealingfile RESET (toast_tuple_target)")
        schema_editor.execute("ALTER TABLE sealing_historicalsealingfile RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    dependencies = [("sealing", "0011_resume_runs_schedule")]
    operations = [migrations.RunPython(toast, untoast, elidable=False)]
