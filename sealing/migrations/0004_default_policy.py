"""Version 1 of the sealing policy: the defaults of RULES.md."""
from django.db import migrations
from django.utils import timezone


def create(apps, schema_editor):
    SealingPolicy = apps.get_model("sealing", "SealingPolicy")
    if not SealingPolicy.objects.exists():
        policy = SealingPolicy.objects.create(version=1, note="RULES.md defaults")
        fields = {f.attname: getattr(policy, f.attname) for f in SealingPolicy._meta.concrete_fields}
        apps.get_model("sealing", "HistoricalSealingPolicy").objects.create(
            history_type="+", history_change_reason="default policy", history_date=timezone.now(), **fields
        )


class Migration(migrations.Migration):
    dependencies = [("sealing", "0003_sealing_policy")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
