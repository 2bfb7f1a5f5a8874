"""The first supervision policy version's reason in Chinese ("defaults" was seeded in English; a version's reason is
data shown as it is, on the Chinese pages too). Rows and their history are rewritten in place."""
from django.db import migrations

OLD, NEW = "defaults", "初始版本：规则规定的默认值"


def to_chinese(apps, schema_editor):
    for model in (apps.get_model("oversight", "OversightPolicy"),
                  apps.get_model("oversight", "HistoricalOversightPolicy")):
        model.objects.filter(note=OLD).update(note=NEW)


class Migration(migrations.Migration):
    dependencies = [("oversight", "0006_instrument_kind_labels")]
    operations = [migrations.RunPython(to_chinese, migrations.RunPython.noop)]
