"""The case import (sealing/imports.py): a dry run that writes nothing, the same validation and services as the
forms, one transaction, re-import changes nothing, agency scope and the gate."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.apps import apps
from django.utils import translation
from openpyxl import load_workbook

from sealing import imports, services, services_bulk
from sealing.forms import CASE_NUMBER_ERRORS, ID_NUMBER_ERRORS
from sealing.history import reason_display, reason_for
from sealing.imports import ImportRefused, apply_import, error_file, plan_import
from sealing.models import Case, Defendant, FileStatus, Record
from tests.cast import TODAY, defendant_data, enter_case
from tests.sealing.test_import_files import csv_file, id_number, row, xlsx_file

NUMBER_2 = "（2024）粤0104刑初200号"


def history_rows() -> int:
    return sum(model.objects.count() for model in apps.get_models() if model.__name__.startswith("Historical"))


def three_rows() -> bytes:
    """Two cases: the first with two defendants (rows 2 and 3), the second with one (row 4)."""
    return csv_file([
        row(),
        row(姓名="赵六", 公民身份号码=id_number(22), 文书名称=""),
        row(案号=NUMBER_2, 姓名="钱七", 公民身份号码=id_number(23, dt.date(1985, 7, 1)), 罪名="危险驾驶罪",
            主刑="拘役", **{"刑期（月）": "3"}, 裁判生效日期="2024-03-01", 刑罚执行完毕日期="2024-06-01",
            末次行为日期="2024-01-02", 文书编号=NUMBER_2),
    ])


def english(function, *args, **kwargs):
    with translation.override("en"):
        return function(*args, **kwargs)


def errors_of(plan) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in plan.errors]


# --- a dry run, then the import ----------------------------------------------------------------------------

def test_the_dry_run_counts_rows_to_create_and_writes_nothing(cast):
    before = history_rows()
    plan = plan_import(three_rows(), "cases.csv", user=cast.clerk_a, today=TODAY)
    assert plan.ok() and plan.total_rows == 3
    assert plan.counts == {"create": 3, "update": 0, "unchanged": 0, "error": 0}
    assert [(p.row, p.case_number, p.name) for p in plan.creates] == [
        (2, "（2024）粤0104刑初100号", "王五"), (3, "（2024）粤0104刑初100号", "赵六"), (4, NUMBER_2, "钱七")]
    assert not Case.objects.exists() and history_rows() == before


def test_the_import_creates_the_cases_of_the_agency_with_statuses_copies_and_reasons(cast):
    result = apply_import(three_rows(), "cases.csv", user=cast.clerk_a, today=TODAY)
    assert (result["created"], result["updated"], result["unchanged"], result["errors"]) == (3, 0, 0, [])
    assert sum(result["statuses"].values()) == 3
    case = Case.objects.get(case_number="（2024）粤0104刑初100号")
    assert case.agency == cast.agency_a and case.created_by == cast.clerk_a
    assert sorted(result["case_ids"]) == sorted(Case.objects.values_list("pk", flat=True))
    names = [d.person.name for d in case.defendants.order_by("position")]
    assert names == ["王五", "赵六"]
    wang = case.defendants.get(person__name__isnull=False, position=1)
    assert wang.sentence_months == 10 and wang.plea and [c.name for c in wang.charges.all()] == ["盗窃罪"]
    assert wang.sealing_file.status in FileStatus.values
    statuses = {}
    for d in Defendant.objects.select_related("sealing_file"):
        statuses[d.sealing_file.status] = statuses.get(d.sealing_file.status, 0) + 1
    assert result["statuses"] == statuses
    # the agency's own copy of row 2 (row 3 has no title: no copy)
    copies = Record.objects.filter(case=case)
    assert [(r.holding_agency, r.kind, r.title, r.defendant) for r in copies] == [
        (cast.agency_a, "judgment", "刑事判决书", wang)]
    assert case.history.earliest().history_change_reason == "imported from cases.csv, row 2"
    assert wang.history.earliest().history_change_reason == "imported from cases.csv, row 2"
    zhao = case.defendants.get(position=2)
    assert zhao.history.earliest().history_change_reason == "imported from cases.csv, row 3"


def test_importing_the_same_file_again_changes_nothing_and_writes_no_history(cast):
    apply_import(three_rows(), "cases.csv", user=cast.clerk_a, today=TODAY)
    before = history_rows()
    plan = plan_import(three_rows(), "cases.csv", user=cast.clerk_a, today=TODAY)
    assert plan.counts == {"create": 0, "update": 0, "unchanged": 3, "error": 0}
    result = apply_import(three_rows(), "cases.csv", user=cast.clerk_a, today=TODAY)
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 3)
    assert sum(result["statuses"].values()) == 3
    assert history_rows() == before
    assert Record.objects.count() == 2


def test_an_xlsx_imports_as_the_csv_does(cast):
    result = apply_import(xlsx_file([row()]), "cases.xlsx", user=cast.clerk_a, today=TODAY)
    assert result["created"] == 1


def test_a_changed_row_is_an_update_field_by_field_with_the_reason(cast):
    case, _record = enter_case(cast.clerk_a)
    stored = defendant_data()
    changed = row(案号=case.case_number, 姓名="张三", 公民身份号码=stored["id_number"], 罪名="抢劫罪",
                  **{"刑期（月）": "36"}, 刑罚执行完毕日期="", 案情摘要="", 末次行为日期="2024-01-10",
                  文书名称="刑事判决书", 文书编号=case.case_number)
    plan = plan_import(csv_file([changed]), "fix.csv", user=cast.clerk_a, today=TODAY)
    assert plan.counts["update"] == 1, errors_of(plan)
    assert plan.updates[0].changes == [("刑期（月）", "48", "36")]
    result = apply_import(csv_file([changed]), "fix.csv", user=cast.clerk_a, today=TODAY)
    assert result["updated"] == 1
    defendant = case.defendants.get()
    assert defendant.sentence_months == 36
    assert defendant.history.latest().history_change_reason in ("imported from fix.csv, row 2",
                                                              "re-evaluated after corrected facts")
    assert defendant.history.filter(history_change_reason="imported from fix.csv, row 2").exists()
    assert Record.objects.filter(case=case).count() == 1  # the copy exists already: not registered twice


def test_a_changed_case_detail_updates_the_case(cast):
    case, _record = enter_case(cast.clerk_a)
    stored = defendant_data()
    changed = row(案号=case.case_number, 姓名="张三", 公民身份号码=stored["id_number"], 罪名="抢劫罪",
                  **{"刑期（月）": "48"}, 刑罚执行完毕日期="", 案情摘要="抢劫", 末次行为日期="2024-01-10",
                  文书名称="刑事判决书", 文书编号=case.case_number)
    plan = plan_import(csv_file([changed]), "fix.csv", user=cast.clerk_a, today=TODAY)
    assert plan.updates[0].changes == [("案情摘要", "", "抢劫")]
    apply_import(csv_file([changed]), "fix.csv", user=cast.clerk_a, today=TODAY)
    case.refresh_from_db()
    assert case.summary == "抢劫"
    assert case.history.latest().history_change_reason == "imported from fix.csv, row 2"


def test_a_new_defendant_of_an_existing_case_is_added(cast):
    case, _record = enter_case(cast.clerk_a)
    stored = defendant_data()
    same = row(案号=case.case_number, 姓名="张三", 公民身份号码=stored["id_number"], 罪名="抢劫罪",
               **{"刑期（月）": "48"}, 刑罚执行完毕日期="", 案情摘要="", 文书名称="刑事判决书", 文书编号=case.case_number)
    new = row(案号=case.case_number, 姓名="李四", 公民身份号码=id_number(30), 案情摘要="", 文书名称="")
    plan = plan_import(csv_file([same, new]), "add.csv", user=cast.clerk_a, today=TODAY)
    assert plan.counts == {"create": 1, "update": 0, "unchanged": 1, "error": 0}, errors_of(plan)
    apply_import(csv_file([same, new]), "add.csv", user=cast.clerk_a, today=TODAY)
    assert [d.person.name for d in case.defendants.order_by("position")] == ["张三", "李四"]


# --- row errors: row, column, the forms' messages ------------------------------------------------------------

def test_row_errors_name_the_row_the_column_and_the_forms_message(cast):
    bad_id = id_number()[:-1] + ("0" if id_number()[-1] != "0" else "1")
    rows = [
        row(公民身份号码=bad_id),
        row(案号="粤0104刑初3号", 姓名="乙"),
        row(案号="（2024）粤0104刑初4号", 首次行为日期="2024/2/1", 末次行为日期="2024年1月10日"),
        row(案号="（2024）粤0104刑初5号", **{"刑期（月）": "400"}),
        row(案号="（2024）粤0104刑初6号", 罪名="盗窃"),
        row(案号="（2024）粤0104刑初7号", 罪名="盗窃罪、抢夺"),
    ]
    plan = english(plan_import, csv_file(rows), "bad.csv", user=cast.clerk_a, today=TODAY)
    with translation.override("en"):
        expected = [
            (2, "公民身份号码", str(ID_NUMBER_ERRORS["checksum"])),
            (3, "案号", str(CASE_NUMBER_ERRORS["shape"])),
            (4, "首次行为日期", "The first act cannot be after the last act."),
            (5, "刑期（月）", "This sentence lasts from 6 to 180 months."),
            (6, "罪名", "Unknown charge “盗窃”: did you mean “盗窃罪”?"),
            (7, "罪名", "Unknown charge “抢夺”: did you mean “抢夺罪”?"),
        ]
    assert errors_of(plan) == expected
    assert plan.counts["error"] == 6 and plan.error_rows == {2, 3, 4, 5, 6, 7} and not plan.ok()


def test_dates_in_every_accepted_spelling_are_read():
    assert [imports.date_text(t) for t in ("2024-01-31", "2024/1/31", "2024年1月31日", "2024.1.31", "x")] == [
        "2024-01-31", "2024-01-31", "2024-01-31", "2024-01-31", "x"]


def test_a_whole_file_import_with_an_error_is_refused_and_writes_nothing(cast):
    rows = [row(), row(案号=NUMBER_2, 公民身份号码=id_number(40), 罪名="盗窃")]
    before = history_rows()
    with pytest.raises(ImportRefused) as refused:
        apply_import(csv_file(rows), "cases.csv", user=cast.clerk_a, today=TODAY)
    assert refused.value.plan.counts == {"create": 1, "update": 0, "unchanged": 0, "error": 1}
    assert not Case.objects.exists() and history_rows() == before


def test_valid_only_writes_the_valid_cases_and_offers_the_error_rows_back(cast):
    rows = [
        row(),                                                                       # row 2: valid case
        row(案号=NUMBER_2, 姓名="钱七", 公民身份号码=id_number(41)),                   # row 3: its case has
        row(案号=NUMBER_2, 姓名="孙八", 公民身份号码=id_number(42), 罪名="盗窃"),      # row 4: an error
    ]
    data = csv_file(rows)
    result = english(apply_import, data, "cases.csv", user=cast.clerk_a, today=TODAY, valid_only=True)
    assert result["created"] == 1
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(3, ""), (4, "罪名")]
    assert result["errors"][0]["message"] == "Another row of the same case has an error."
    assert list(Case.objects.values_list("case_number", flat=True)) == ["（2024）粤0104刑初100号"]
    plan = english(plan_import, data, "cases.csv", user=cast.clerk_a, today=TODAY)
    content, name, content_type = english(error_file, data, "cases.csv", plan)
    assert name == "cases-错误.csv" and content_type.startswith("text/csv")
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0].endswith(",错误") and lines[0].startswith("案号,")
    assert len(lines) == 3 and "钱七" in lines[1] and "孙八" in lines[2]
    assert "罪名：Unknown charge “盗窃”" in lines[2]


def test_the_error_file_of_an_xlsx_is_an_xlsx(cast):
    data = xlsx_file([row(罪名="盗窃")])
    plan = plan_import(data, "cases.xlsx", user=cast.clerk_a, today=TODAY)
    content, name, _type = error_file(data, "cases.xlsx", plan)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert name == "cases-错误.xlsx"
    assert sheet["X1"].value == "错误" and sheet["E2"].value == "王五" and "盗窃" in sheet["X2"].value


def test_duplicate_rows_are_errors(cast):
    plan = english(plan_import, csv_file([row(), row()]), "dup.csv", user=cast.clerk_a, today=TODAY)
    assert errors_of(plan)[-1] == (3, "公民身份号码", "This person appears twice in the same case.")
    assert plan.counts["error"] == 2  # the whole case is refused


def test_the_rows_of_a_case_must_follow_each_other(cast):
    rows = [row(), row(案号=NUMBER_2, 公民身份号码=id_number(50)), row(公民身份号码=id_number(51))]
    plan = english(plan_import, csv_file(rows), "order.csv", user=cast.clerk_a, today=TODAY)
    assert [(e.row, e.column) for e in plan.errors] == [(4, "案号")]
    assert plan.counts["create"] == 2


def test_rows_of_one_case_must_agree_on_the_case_details(cast):
    rows = [row(), row(公民身份号码=id_number(52), 末次行为日期="2024-01-11")]
    plan = english(plan_import, csv_file(rows), "cases.csv", user=cast.clerk_a, today=TODAY)
    assert (3, "末次行为日期", "The case details differ from an earlier row of the same case.") in errors_of(plan)


def test_the_progress_callback_is_called_every_500_rows_and_at_the_end(cast):
    rows = [row(案号=f"（2024）粤0104刑初{n}号", 文书编号="") for n in range(1, 602)]
    calls = []
    plan = plan_import(csv_file(rows), "big.csv", user=cast.clerk_a, today=TODAY,
                       progress=lambda done, total: calls.append((done, total)))
    assert calls == [(500, 601), (601, 601)]
    assert plan.counts["create"] == 601 and len(plan.creates) == imports.PREVIEW_LIMIT


def test_rows_without_a_case_number_are_each_an_error_of_their_own(cast):
    plan = english(plan_import, csv_file([row(案号=""), row(案号="", 公民身份号码=id_number(60))]), "x.csv",
                   user=cast.clerk_a, today=TODAY)
    assert errors_of(plan) == [(2, "案号", "This field is required."), (3, "案号", "This field is required.")]


def test_a_file_problem_is_translated_where_it_is_shown():
    from sealing.spreadsheet import FileProblem, read_table

    with pytest.raises(FileProblem) as refused:
        read_table(csv_file([row()], headers=["案号", "姓名"]), "x.csv")
    with translation.override("en"):
        assert str(refused.value.message).startswith("Required columns are missing: ")
    assert refused.value.code == "missing_column"


# --- agency scope and the gate --------------------------------------------------------------------------------

def test_a_case_number_of_another_agency_is_an_error_that_reveals_nothing(cast):
    case, _record = enter_case(cast.clerk_a)
    plan = english(plan_import, csv_file([row(案号=case.case_number)]), "b.csv", user=cast.clerk_b, today=TODAY)
    assert errors_of(plan) == [(2, "案号", "This case number is registered by another agency.")]
    assert "张三" not in repr(plan)


def test_the_imported_case_belongs_to_the_importers_agency(cast):
    apply_import(csv_file([row()]), "b.csv", user=cast.clerk_b, today=TODAY)
    case = Case.objects.get()
    assert case.agency == cast.agency_b
    assert Record.objects.get().holding_agency == cast.agency_b


def test_a_user_without_the_right_to_enter_cases_imports_nothing(cast):
    from sealing.spreadsheet import FileProblem

    with pytest.raises(FileProblem):
        plan_import(csv_file([row()]), "x.csv", user=cast.reviewer_a, today=TODAY)


SEALED_NAME = "慕容少年"


@pytest.fixture
def sealed_case(cast):
    data = defendant_data(name=SEALED_NAME, birth=dt.date(2007, 3, 1), charge="盗窃罪", sentence_months=10,
                          judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))
    case, _record = enter_case(cast.clerk_a, defendants=[data], content="秘密")
    file = case.defendants.get().sealing_file
    services.seal_file(file, user=cast.clerk_a, today=TODAY)
    file.refresh_from_db()
    assert file.hidden
    return case, data


def sealed_row(case, data, **overrides):
    values = row(案号=case.case_number, 案情摘要="", 姓名=SEALED_NAME, 公民身份号码=data["id_number"],
                 **{"刑期（月）": "10"}, 文书名称="刑事判决书", 文书编号=case.case_number)
    values.update(overrides)
    return values


def test_a_hidden_defendant_equal_to_the_file_is_unchanged(sealed_case, cast):
    case, data = sealed_case
    before = history_rows()
    result = apply_import(csv_file([sealed_row(case, data)]), "s.csv", user=cast.clerk_a, today=TODAY)
    assert (result["unchanged"], result["errors"]) == (1, [])
    assert history_rows() == before


def test_a_hidden_defendant_that_differs_is_a_neutral_error_without_stored_values(sealed_case, cast):
    case, data = sealed_case
    changed = sealed_row(case, data, 姓名="某某", **{"刑期（月）": "11"})
    file_data = csv_file([changed])
    plan = english(plan_import, file_data, "s.csv", user=cast.clerk_a, today=TODAY)
    assert errors_of(plan) == [
        (2, "", "The facts of a sealed file cannot be changed; a correction needs unsealing first.")]
    assert plan.updates == [] and plan.creates == []
    content, _name, _type = error_file(file_data, "s.csv", plan)
    for text in (repr(plan), content.decode("utf-8-sig")):
        assert SEALED_NAME not in text and "2007-03-01" not in text
    defendant = case.defendants.get()
    assert defendant.sentence_months == 10 and defendant.person.name == SEALED_NAME


# --- the history reason -------------------------------------------------------------------------------------

def test_the_reason_names_the_file_and_row_and_fits_the_history_column():
    assert reason_for("cases.csv", 7) == "imported from cases.csv, row 7"
    long = reason_for("案件" * 80 + ".xlsx", 123456)
    assert len(long) <= 100 and long.endswith(".xlsx, row 123456")
    with translation.override("en"):
        assert reason_display("imported from cases.csv, row 7") == "imported from cases.csv, row 7"
        assert reason_display("case entered") == "case entered"


def test_a_changed_case_detail_of_a_case_with_a_hidden_defendant_is_a_neutral_error(sealed_case, cast):
    case, data = sealed_case
    plan = english(plan_import, csv_file([sealed_row(case, data, 案情摘要="新的摘要")]), "s.csv", user=cast.clerk_a,
                   today=TODAY)
    assert errors_of(plan) == [
        (2, "", "The facts of a sealed file cannot be changed; a correction needs unsealing first.")]
    assert plan.updates == []


def test_the_templates_example_row_imports(cast):
    from sealing.spreadsheet import template_xlsx

    plan = plan_import(template_xlsx(), "template.xlsx", user=cast.clerk_a, today=TODAY)
    assert plan.ok() and plan.counts["create"] == 1, errors_of(plan)


def test_a_case_that_fails_while_written_is_skipped_whole_with_valid_only(cast, monkeypatch):
    real = services.add_defendant

    def add_defendant(**kwargs):
        if kwargs["data"]["name"] == "孙八":  # the second defendant of the second case
            raise services.SealingError("Only the handling agency corrects the facts of a case.")
        return real(**kwargs)

    real_bulk = services_bulk.create_cases

    def create_cases(**kwargs):  # the batch fails as a whole, then each case is written on its own
        if any(item.data["name"] == "孙八" for new in kwargs["cases"] for item in new.defendants):
            raise services.SealingError("Only the handling agency corrects the facts of a case.")
        return real_bulk(**kwargs)

    monkeypatch.setattr(services, "add_defendant", add_defendant)
    monkeypatch.setattr(services_bulk, "create_cases", create_cases)
    rows = [row(), row(案号=NUMBER_2, 姓名="钱七", 公民身份号码=id_number(41)),
            row(案号=NUMBER_2, 姓名="孙八", 公民身份号码=id_number(42))]
    result = english(apply_import, csv_file(rows), "cases.csv", user=cast.clerk_a, today=TODAY, valid_only=True)
    assert (result["created"], [(e["row"], e["column"]) for e in result["errors"]]) == (1, [(3, ""), (4, "")])
    assert result["errors"][0]["message"] == "Only the handling agency corrects the facts of a case."
    assert list(Case.objects.values_list("case_number", flat=True)) == ["（2024）粤0104刑初100号"]
    assert not Defendant.objects.filter(case__case_number=NUMBER_2).exists()
    assert len(result["case_ids"]) == 1 and sum(result["statuses"].values()) == 1


def test_a_new_copy_of_the_agency_is_registered_once(cast):
    case, _record = enter_case(cast.clerk_a)
    stored = defendant_data()
    values = row(案号=case.case_number, 姓名="张三", 公民身份号码=stored["id_number"], 罪名="抢劫罪",
                 **{"刑期（月）": "48"}, 刑罚执行完毕日期="", 案情摘要="", 文书种类="起诉书", 文书名称="起诉书",
                 文书编号="穗越检刑诉〔2024〕1号")
    plan = plan_import(csv_file([values]), "copy.csv", user=cast.clerk_a, today=TODAY)
    assert plan.updates[0].changes == [("文书名称", "", "起诉书")]
    before = case.defendants.get().history.count()
    apply_import(csv_file([values]), "copy.csv", user=cast.clerk_a, today=TODAY)
    copy = Record.objects.get(case=case, kind="indictment")
    assert (copy.title, copy.document_number, copy.holding_agency) == ("起诉书", "穗越检刑诉〔2024〕1号", cast.agency_a)
    assert copy.history.get().history_change_reason == "imported from copy.csv, row 2"
    assert case.defendants.get().history.count() == before  # the facts are unchanged: not written
    assert plan_import(csv_file([values]), "copy.csv", user=cast.clerk_a, today=TODAY).counts["unchanged"] == 1


def test_the_case_numbers_met_are_told_apart_however_many(monkeypatch):
    from sealing.imports import _SeenNumbers

    monkeypatch.setattr(_SeenNumbers, "MERGE_AT", 3)  # most of them in the sorted array, a few in the set
    seen = _SeenNumbers()
    numbers = [f"（2024）粤0104刑初{n}号" for n in range(1, 12)]
    for number in numbers:
        assert number not in seen
        seen.add(number)
    assert all(number in seen for number in numbers)
    assert "（2024）粤0104刑初12号" not in seen and len(seen.merged) == 9 and len(seen.recent) == 2


def test_a_case_whose_rows_are_apart_in_the_file_is_an_error_on_the_later_row(cast):
    rows = [row(), row(案号=NUMBER_2, 姓名="钱七", 公民身份号码=id_number(41)),
            row(姓名="赵六", 公民身份号码=id_number(42))]
    plan = english(plan_import, csv_file(rows), "cases.csv", user=cast.clerk_a, today=TODAY)
    assert errors_of(plan) == [(4, "案号", "The rows of one case must follow each other: this case number appeared "
                                         "earlier in the file.")]
    result = english(apply_import, csv_file(rows), "cases.csv", user=cast.clerk_a, today=TODAY, valid_only=True)
    assert result["created"] == 2 and [e["row"] for e in result["errors"]] == [4]
    assert Defendant.objects.filter(case__case_number="（2024）粤0104刑初100号").count() == 1
