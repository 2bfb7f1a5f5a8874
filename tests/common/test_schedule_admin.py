"""The scheduled tasks in the superuser's admin (common/admin_schedules.py): each task by its title and what it
does, each schedule in words, in the reader's language; never the stored English key, the dotted task name or
the cron fields. The administrator switches a task off and chooses its schedule, and beat is told."""
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask, PeriodicTasks

from accounts.factories import UserFactory
from common import schedules
from tests.test_every_word_translated import visible_text

SEEDED = {  # the migrations' keys and tasks, none of which a page may show
    "daily sealing sweep": "sealing.sweep_files", "worker heartbeat": "common.heartbeat",
    "purge audit trail past retention": "audit.purge", "expire sealed-record permits": "sealing.expire_permits",
}


@pytest.fixture
def admin_client(db, client):
    root = UserFactory(username="root", agency=None, roles=[], is_staff=True, is_superuser=True)
    client.force_login(root)
    return client


def get(client, url, language="zh-hans"):
    """A page in ``language`` (the language cookie), leaving no language active behind it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(language):
        response = client.get(url)
    assert response.status_code == 200
    return response


def codes_in(text):
    found = [code for code in [*SEEDED, *SEEDED.values(), *schedules.TASKS] if code in text]
    found += re.findall(r"\b(?:sweep_files|expire_permits|flag_overdue|remind_and_escalate|resume_runs)\b", text)
    found += [word for word in ("Asia/Shanghai", "(m/h/dM/MY/d)", "seconds", "minutes") if word in text]
    return found


def test_the_task_list_names_each_task_and_its_schedule_in_words(admin_client):
    text = visible_text(get(admin_client, reverse("admin:django_celery_beat_periodictask_changelist")).content.decode())
    for title in ("封存批处理", "终止到期的封存记录查阅许可", "审计日志到期清理", "后台任务运行检测", "监督扫描"):
        assert title in text
    assert "在01:00（北京时间）" in text and "每60秒" in text and "每5分钟（北京时间）" in text
    assert "尚未执行" in text
    assert codes_in(text) == []


def test_the_change_page_shows_the_task_and_its_schedule_in_words(admin_client):
    task = PeriodicTask.objects.get(task="sealing.sweep_files")
    page = get(admin_client, reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]))
    text = visible_text(page.content.decode())
    assert "封存批处理" in text and "对封存状态应当变更的案卷适用封存规则" in text
    assert "在03:40（北京时间）" in text and "每60秒" in text  # the options of the two schedule choices
    assert codes_in(text) == []
    assert set(page.context["adminform"].form.fields) == {"enabled", "crontab", "interval"}


def test_unticking_enabled_switches_the_task_off_and_tells_beat(admin_client):
    task = PeriodicTask.objects.get(task="sealing.sweep_files")
    before = PeriodicTasks.last_change()
    url = reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])
    with translation.override("zh-hans"):
        response = admin_client.post(url, {"crontab": task.crontab_id, "interval": ""})  # no "enabled": unticked
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.enabled is False and task.name == "daily sealing sweep" and task.task == "sealing.sweep_files"
    assert PeriodicTasks.last_change() is not None and PeriodicTasks.last_change() != before
    with translation.override("zh-hans"):
        followed = admin_client.get(response["Location"])
    assert codes_in(visible_text(followed.content.decode())) == []  # the message names the task by its title


def test_one_schedule_and_only_one(admin_client):
    task = PeriodicTask.objects.get(task="sealing.sweep_files")
    url = reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])
    every_minute = IntervalSchedule.objects.get(every=60, period="seconds")
    with translation.override("zh-hans"):
        both = admin_client.post(url, {"enabled": "on", "crontab": task.crontab_id, "interval": every_minute.pk})
        none = admin_client.post(url, {"enabled": "on", "crontab": "", "interval": ""})
    assert "只能选择一种执行方式" in both.content.decode() and "请选择任务的执行方式" in none.content.decode()
    for response in (both, none):
        assert response.status_code == 200 and "must be set" not in response.content.decode()
    task.refresh_from_db()
    assert task.crontab_id and task.interval_id is None


def test_a_task_without_an_entry_is_an_unknown_task_with_its_code_marked(admin_client):
    every_minute = IntervalSchedule.objects.get(every=60, period="seconds")
    PeriodicTask.objects.create(name="something else", task="elsewhere.do_it", interval=every_minute)
    html = get(admin_client, reverse("admin:django_celery_beat_periodictask_changelist")).content.decode()
    assert '未知任务 <code lang="en">elsewhere.do_it</code>' in html
    assert "something else" not in visible_text(html)


def test_the_task_list_in_english(admin_client):
    text = visible_text(get(admin_client, reverse("admin:django_celery_beat_periodictask_changelist"), "en")
                        .content.decode())
    assert "Sealing sweep" in text and "At 01:00 (China Standard Time)" in text and "every 60 seconds" in text
    assert "sealing.sweep_files" not in text and "daily sealing sweep" not in text
    assert translation.get_language() == settings.LANGUAGE_CODE  # the request left no language behind


def test_a_crontab_reads_in_words_and_its_zone_is_not_a_choice(admin_client):
    crontab = PeriodicTask.objects.get(task="sealing.sweep_files").crontab
    url = reverse("admin:django_celery_beat_crontabschedule_change", args=[crontab.pk])
    page = get(admin_client, url)
    text = visible_text(page.content.decode())
    assert "在01:00（北京时间）" in text and "封存批处理" in text and "时区" in text
    assert "timezone" not in page.context["adminform"].form.fields and "Asia/Shanghai" not in text
    assert codes_in(text) == []
    data = {"minute": "30", "hour": "1", "day_of_month": "*", "month_of_year": "*", "day_of_week": "*"}
    with translation.override("zh-hans"):
        assert admin_client.post(url, data).status_code == 302
        wrong = admin_client.post(url, {**data, "hour": "25"})
    crontab.refresh_from_db()
    assert crontab.minute == "30" and str(crontab.timezone) == "Asia/Shanghai"
    assert wrong.status_code == 200 and "取值无效" in wrong.content.decode()


def test_an_interval_reads_in_words(admin_client):
    interval = IntervalSchedule.objects.get(every=60, period="seconds")
    text = visible_text(get(admin_client, reverse("admin:django_celery_beat_intervalschedule_change",
                                                  args=[interval.pk])).content.decode())
    assert "每60秒" in text and "后台任务运行检测" in text and "seconds" not in text


def test_weekdays_and_months_are_named_in_the_language():
    with translation.override("zh-hans"):
        weekdays = schedules.cron_words("0 2 * * 1-5")
        months = schedules.cron_words("0 9 1 1,7 *")
        assert schedules.crontab_words(CrontabSchedule(minute="0", hour="1")) == "在01:00（北京时间）"
    assert "星期一" in weekdays and "星期五" in weekdays and not re.search("[A-Za-z]{3}", weekdays)
    assert "一月" in months and not re.search("[A-Za-z]{3}", months)
    with translation.override("en"):
        assert schedules.cron_words("0 2 * * 1-5") == "At 02:00, Monday through Friday"
