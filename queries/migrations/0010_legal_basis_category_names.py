"""The legal-basis catalogue's summaries cite relevance categories by their Chinese names (“贪污贿赂”), not by their
codes ("corruption"): the summary is shown to reviewers as it is. Rows and their history are rewritten in place
(the same text as queries/data/legal_bases.json now holds)."""
from django.db import migrations

from queries.catalogue import category_names_in


def to_names(apps, schema_editor):
    for model in (apps.get_model("queries", "LegalBasis"), apps.get_model("queries", "HistoricalLegalBasis")):
        for row in model.objects.all().only("pk", "summary"):
            named = category_names_in(row.summary)
            if named != row.summary:
                model.objects.filter(pk=row.pk).update(summary=named)


class Migration(migrations.Migration):
    dependencies = [("queries", "0009_working_calendar_chinese_notes")]
    operations = [migrations.RunPython(to_names, migrations.RunPython.noop)]
