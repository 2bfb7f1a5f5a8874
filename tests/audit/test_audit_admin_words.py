"""The audit trail's admin reads in words in both languages: the object's type by its model's name, the detail's
keys by the field's or the event's label, yes and no, a dash for nothing; a key no label is known for is shown as
stored, marked English; every stored value is escaped; the hashes are identifiers."""
import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from accounts.factories import UserFactory
from accounts.models import User
from accounts.roles import AUDITOR, ROLE_LABELS
from audit import presentation, services
from audit.models import AuditEntry, AuditKind
from tests.test_every_word_translated import visible_text

AT = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def reader(cast, client):
    """The superuser reads the trail in the admin, in the language the test sets."""
    client.force_login(User.objects.create_superuser("root", password="x-Unused-Secret-1"))

    def _read(url, language="zh-hans"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        with translation.override(None):  # leave no language active behind the request
            page = client.get(url)
        assert page.status_code == 200
        return page.content.decode()
    return _read


def change_page(entry):
    return reverse("admin:audit_auditentry_change", args=[entry.pk])


def last_entry(kind):
    return AuditEntry.objects.filter(kind=kind).order_by("-seq").first()


def test_an_account_change_reads_in_chinese_with_the_fields_names_and_yes_or_no(reader, cast):
    cast.clerk_a.is_active = False
    cast.clerk_a.save()
    entry = last_entry(AuditKind.ACCOUNT_CHANGE)
    assert entry.detail == {"is_active": [True, False]}
    html = reader(change_page(entry))
    text = visible_text(html)
    with translation.override("zh-hans"):
        active = str(User._meta.get_field("is_active").verbose_name)
        user = str(User._meta.verbose_name)
    assert active == "有效" and user == "用户"
    assert f"{active.capitalize()} 是 → 否" in text
    assert user in text
    assert not {"is_active", "true", "false", "accounts.user"} & set(text.split())


def test_a_created_account_shows_every_field_by_its_name_and_nothing_as_a_dash(reader, cast):
    UserFactory(username="new_clerk", agency=None)
    entry = AuditEntry.objects.filter(kind=AuditKind.ACCOUNT_CHANGE, object_id__isnull=False,
                                      detail__created=True).order_by("-seq").first()
    text = visible_text(reader(change_page(entry)))
    with translation.override("zh-hans"):
        labels = [str(User._meta.get_field(name).verbose_name) for name in ("is_staff", "is_superuser", "agency")]
    for name in labels:
        assert name in text
    assert "新建 是" in text and "—" in text
    assert not {"is_staff", "agency_id", "null", "created"} & set(text.split())


def test_the_list_shows_the_object_type_by_the_models_name_in_both_languages(reader, cast):
    group = Group.objects.create(name="archive")
    services.append(AuditKind.ROLE_CHANGE, obj=group, detail={"action": "created", "name": group.name}, at=AT)
    services.append(AuditKind.EXPORT, ref=("nowhere.thing", 1), detail={}, at=AT)
    url = reverse("admin:audit_auditentry_changelist")
    chinese, english = reader(url), reader(url, "en")
    assert "accounts.user" not in visible_text(chinese) and "auth.group" not in visible_text(chinese)
    with translation.override("zh-hans"):
        assert str(Group._meta.verbose_name).capitalize() in visible_text(chinese)
    assert "Group" in visible_text(english) and "auth.group" not in visible_text(english)
    assert '<span lang="en">nowhere.thing</span>' in chinese


def test_a_role_change_names_the_action_and_the_roles(reader, cast):
    cast.clerk_a.groups.add(Group.objects.get(name=AUDITOR))
    entry = last_entry(AuditKind.ROLE_CHANGE)
    assert entry.detail == {"action": "add", "groups": [AUDITOR]}
    text = visible_text(reader(change_page(entry)))
    with translation.override("zh-hans"):
        role = str(ROLE_LABELS[AUDITOR])
    assert "添加" in text and role in text and " add " not in f" {text} "
    english = visible_text(reader(change_page(entry), "en"))
    assert "Added" in english or "added" in english


def test_an_unknown_key_is_shown_as_stored_and_marked_english(reader, cast):
    entry = services.append(AuditKind.EXPORT, actor=cast.clerk_a, at=AT,
                            detail={"what": "records", "format": "csv", "rows": 3, "mystery_key": 7})
    html = reader(change_page(entry))
    assert '<span lang="en">mystery_key</span>' in html
    assert "mystery_key" not in visible_text(html, skip_lang="en")
    text = visible_text(html)
    assert "案卷记录" in text and "CSV" in text and "行数 3" in text


def test_html_in_a_detail_value_is_escaped(reader, cast):
    entry = services.append(AuditKind.LOGIN_FAILED, username="<b>x</b>", at=AT,
                            detail={"ip": "<script>alert(1)</script>", "<i>key</i>": "<img src=x>"})
    html = reader(change_page(entry))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x>" not in html and "<i>key</i>" not in html
    assert "&lt;i&gt;key&lt;/i&gt;" in html


def test_the_hashes_are_identifiers_and_the_admin_stays_read_only(reader, cast):
    entry = services.append(AuditKind.EXPORT, actor=cast.clerk_a, at=AT, detail={"rows": 1})
    html = reader(change_page(entry))
    assert f'<code translate="no">{entry.hash}</code>' in html
    assert f'<code translate="no">{entry.prev_hash}</code>' in html
    assert 'name="_save"' not in html
    from audit.admin import AuditEntryAdmin
    assert AuditEntryAdmin.show_full_result_count is False


def test_the_presentation_reads_values_in_words(db):
    with translation.override("en"):
        assert presentation.plain(None) == "—" and presentation.plain(True) == "yes"
        assert str(presentation.plain([1, 2])) == "1, 2"
        assert str(presentation.value("permissions", ["sealing.view_charge", "odd.code"])) == (
            'view charge, <span lang="en">odd.code</span>')
        assert str(presentation.value("what", "work-queue-seal")) == "Sealing work queue (Copies to seal)"
        assert str(presentation.value("what", "work-queue-odd")) == 'Sealing work queue (<span lang="en">odd</span>)'
        assert str(presentation.label("deleted", kind=AuditKind.PURGE)) == "Entries deleted"
    with translation.override("zh-hans"):
        assert str(presentation.plain([True, None])) == "是、—"
        assert str(presentation.value("action", "remove")) == "移除"
        assert str(presentation.object_type("accounts.user")) == "用户"


def test_an_agency_changed_reads_by_its_name_never_its_id(reader, cast):
    before, after = cast.clerk_a.agency, cast.procuratorate_x
    cast.clerk_a.agency = after
    cast.clerk_a.save()
    entry = last_entry(AuditKind.ACCOUNT_CHANGE)
    assert entry.detail == {"agency_id": [before.pk, after.pk]}
    text = visible_text(reader(change_page(entry)))
    assert f"{before.name} → {after.name}" in text
    assert f"{before.pk} → {after.pk}" not in text
    entry = services.append(AuditKind.ACCOUNT_CHANGE, obj=cast.clerk_a, at=AT, detail={"agency_id": [99999, None]})
    text = visible_text(reader(change_page(entry)))
    assert "（已删除） → —" in text and "99999" not in text


@pytest.mark.parametrize("what, filters, sort, chinese", [
    ("cases-shown", ["case_number", "year"], "-created_at", ["案号、年度", "录入时间，降序"]),
    ("work-queue-seal", ["tab"], "seal_date", ["封存工作队列（待封存副本）", "封存日期，升序"]),
    ("findings", ["rule", "state"], "", ["规则、状态"]),
    ("instruments", ["agency", "escalated"], "-deadline", ["被监督单位", "降序"]),
    ("access-log", ["agency", "since"], "at", ["查阅人所在机关", "自"]),
    ("query-requests-objections", [], "received", ["查询申请（异议）"]),
])
def test_an_export_names_its_page_tab_filters_and_sort_in_words(reader, cast, what, filters, sort, chinese):
    """An export's entry keeps the codes (the parameters' names); the auditor reads the page's own labels."""
    detail = {"what": what, "format": "xlsx", "rows": 2, "filters": filters, **({"sort": sort} if sort else {})}
    entry = services.append(AuditKind.EXPORT, actor=cast.clerk_a, at=AT, detail=detail)
    html = reader(change_page(entry))
    text = visible_text(html)
    for words in chinese:
        assert words in text, (words, text)
    table = html.split('class="audit-detail"', 1)[1].split("</table>", 1)[0]
    assert 'lang="en"' not in table  # nothing shown as stored
    codes = {*filters, sort.removeprefix("-"), what.rsplit("-", 1)[-1]} - {""}
    words = set(re.split(r"[\s、，（）()<>=\"/]+", visible_text("<table " + table)))
    assert not codes & words, codes & words
    english = visible_text(reader(change_page(entry), "en"))
    assert "descending" in english or "ascending" in english or not sort
