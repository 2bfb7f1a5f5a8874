"""The working calendar's holiday notes in Chinese: the seed wrote chinese-calendar's English names ("Spring
Festival"); the note is data shown as it is, on the Chinese pages too. Rows and their history are renamed."""
from django.db import migrations

from queries.calendar_seed import holiday_name


def to_chinese(apps, schema_editor):
    from chinese_calendar.constants import Holiday

    for model in (apps.get_model("queries", "WorkingDay"), apps.get_model("queries", "HistoricalWorkingDay")):
        for holiday in Holiday:
            model.objects.filter(note=holiday.value).update(note=holiday_name(holiday.value))


class Migration(migrations.Migration):
    dependencies = [("queries", "0008_desk_approval_uploads_objections")]
    operations = [migrations.RunPython(to_chinese, migrations.RunPython.noop)]
