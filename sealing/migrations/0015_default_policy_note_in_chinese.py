"""The first policy version's reason in Chinese ("RULES.md defaults" was seeded in English; a version's reason is
data shown as it is, on the Chinese pages too). Rows and their history are rewritten in place."""
from django.db import migrations

OLD, NEW = "RULES.md defaults", "初始版本：规则规定的默认值"


def to_chinese(apps, schema_editor):
    for model in (apps.get_model("sealing", "SealingPolicy"), apps.get_model("sealing", "HistoricalSealingPolicy")):
        model.objects.filter(note=OLD).update(note=NEW)


class Migration(migrations.Migration):
    dependencies = [("sealing", "0014_file_regime_category_choices")]
    operations = [migrations.RunPython(to_chinese, migrations.RunPython.noop)]
