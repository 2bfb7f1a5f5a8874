"""`manage.py evaluate_query`: requests in, recommendations out as JSON, nothing written, exit 2 naming the field."""
import json

import pytest

from queries.models import LegalBasis
from tests.commands import decide_with, rules, run_command, run_process


def request(**changes):
    data = {
        "id": "Q-1",
        "requester": "unit",
        "purpose": "employment_screening",
        "legal_basis": "MPL-62",
        "received": "2025-03-03",
        "records": [
            {"id": "R-RAPE", "status": "sealed", "charges": ["强奸罪"]},
            {"id": "R-THEFT", "status": "provisionally_sealed", "charges": ["盗窃罪"]},
        ],
    }
    data.update(changes)
    return data


def certificate(records=(), **changes):
    return request(**{"requester": "self", "purpose": "certificate", "legal_basis": None, "records": list(records),
                      **changes})


def without(data, key):
    data = dict(data)
    del data[key]
    return data


SEALED_THEFT = {"id": "R-THEFT", "status": "sealed", "charges": ["盗窃罪"]}
PROV_HURT = {"id": "R-HURT", "status": "provisionally_sealed", "charges": ["故意伤害罪"]}
OPEN_FRAUD = {"id": "R-FRAUD", "status": "open", "charges": ["诈骗罪"]}


def run(data, *args):
    return run_command("evaluate_query", data, *args)


def decide(data, *args):
    return decide_with("evaluate_query", data, *args)


def basis(code, law, article, categories, active=True):
    """The catalogue entry as the test needs it, whether or not a migration loaded it already."""
    LegalBasis.objects.update_or_create(code=code, defaults={
        "law": law, "article": article, "summary": "-", "occupation": "-", "categories": categories,
        "source": f"《{law}》{article}", "active": active,
    })


@pytest.fixture
def catalogue(db):
    """The legal-basis catalogue as the tests read it: MPL-62 (RULES.md §4), an accounting-law entry
    and an entry no longer in force."""
    basis("MPL-62", "未成年人保护法", "第六十二条", ["sexual", "abuse", "trafficking", "violence"])
    basis("ACC-40", "会计法", "第四十条", ["corruption"])
    basis("TL-14-OLD", "教师法", "第十四条", ["sexual", "violence", "property"], active=False)


# --- decisions, with the real charge catalogue and calendar ----------------------------------------------

DECISIONS = [
    pytest.param(certificate(), "issue_certificate", [], "Q-CERT", "certificate", id="cert_no_records"),
    pytest.param(certificate([SEALED_THEFT]), "issue_certificate", [], "Q-CERT", "certificate", id="cert_only_sealed"),
    pytest.param(certificate([PROV_HURT]), "issue_certificate", [], "Q-CERT", "certificate",
                 id="cert_provisionally_sealed"),
    pytest.param(certificate([SEALED_THEFT, OPEN_FRAUD]), "refuse", [], "Q-CERT-OPEN", "refusal_notice",
                 id="cert_open_record"),
    pytest.param(certificate(purpose="employment_screening"), "refuse", [], "Q-SELF-PURPOSE", "refusal_notice",
                 id="self_other_purpose"),
    pytest.param(request(requester="judicial", purpose="criminal_evaluation", legal_basis=None), "permit",
                 ["R-RAPE", "R-THEFT"], "Q-JUD", "notification_letter", id="jud_criminal_evaluation"),
    pytest.param(request(requester="judicial", purpose="special_recidivism"), "permit", ["R-RAPE", "R-THEFT"],
                 "Q-JUD", "notification_letter", id="jud_special_recidivism"),
    pytest.param(request(requester="judicial", purpose="drug_recidivism", records=[PROV_HURT, OPEN_FRAUD]),
                 "permit", ["R-HURT"], "Q-JUD", "notification_letter", id="jud_drug_recidivism"),
    pytest.param(request(requester="judicial", purpose="general_recidivism"), "refuse", [], "Q-JUD-GENERAL",
                 "notification_letter", id="jud_general_recidivism"),
    pytest.param(request(requester="judicial", purpose="other"), "refuse", [], "Q-JUD-GENERAL",
                 "notification_letter", id="jud_other"),
    pytest.param(request(legal_basis=None), "refuse", [], "Q-UNIT-NOBASIS", "notification_letter",
                 id="unit_no_basis"),
    pytest.param(request(legal_basis="NOT-A-CODE"), "refuse", [], "Q-UNIT-NOBASIS", "notification_letter",
                 id="unit_unknown_code"),
    pytest.param(request(legal_basis="TL-14-OLD"), "refuse", [], "Q-UNIT-NOBASIS", "notification_letter",
                 id="unit_inactive_basis"),
    pytest.param(request(), "permit", ["R-RAPE"], "Q-UNIT-RELEVANT", "notification_letter",
                 id="unit_mpl62_relevant_sealed_record_only"),
    pytest.param(request(records=[SEALED_THEFT, {"id": "R-DRIVE", "status": "sealed", "charges": ["危险驾驶罪"]}]),
                 "answer_no_record", [], "Q-UNIT-RELEVANT", "notification_letter", id="unit_mpl62_none_relevant"),
    pytest.param(request(records=[PROV_HURT, SEALED_THEFT]), "permit", ["R-HURT"], "Q-UNIT-RELEVANT",
                 "notification_letter", id="unit_mpl62_violence_provisionally_sealed"),
    pytest.param(request(legal_basis="ACC-40", records=[{"id": "R-EMB", "status": "sealed", "charges": ["职务侵占罪"]},
                                                        {"id": "R-RAPE", "status": "sealed", "charges": ["强奸罪"]}]),
                 "permit", ["R-EMB"], "Q-UNIT-RELEVANT", "notification_letter", id="unit_accounting_basis"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("data, recommendation, disclosed, rule, document", DECISIONS)
def test_decision(catalogue, data, recommendation, disclosed, rule, document):
    decision = decide(data)
    assert decision["recommendation"] == recommendation
    assert decision["disclosed"] == disclosed
    assert decision["document"] == document
    assert rules(decision)[0] == rule
    assert rules(decision)[-2:] == ["Q-DOCS", "Q-DEADLINE"]
    assert ("Q-SCOPE" in rules(decision)) == (recommendation == "permit")
    assert decision["deadline"] == "2025-03-06"
    text = json.dumps(decision, ensure_ascii=False)
    for record in data["records"]:
        if record["status"] != "open" and record["id"] not in disclosed:
            assert record["id"] not in text


# --- record kinds, open convictions for a unit, answering agencies -------------------------------------

RELATED_RAPE = {"id": "N-RAPE", "status": "sealed", "kind": "related", "charges": ["强奸罪"]}
RELATED_OPEN = {"id": "N-OPEN", "status": "open", "kind": "related", "charges": ["盗窃罪"]}
OPEN_DRIVE = {"id": "R-DRIVE", "status": "open", "kind": "conviction", "charges": ["危险驾驶罪"]}

KINDS = [
    pytest.param(certificate([RELATED_RAPE, RELATED_OPEN]), "issue_certificate", [], [], "Q-CERT",
                 id="related_records_only_get_the_certificate"),
    pytest.param(certificate([RELATED_OPEN, OPEN_DRIVE]), "refuse", [], [], "Q-CERT-OPEN",
                 id="open_conviction_refuses_the_certificate"),
    pytest.param(request(records=[RELATED_RAPE]), "answer_no_record", [], [], "Q-UNIT-RELEVANT",
                 id="sealed_related_record_never_to_a_unit"),
    pytest.param(request(records=[RELATED_RAPE, OPEN_DRIVE]), "permit", [], ["R-DRIVE"], "Q-UNIT-RELEVANT",
                 id="unit_open_conviction_listed"),
    pytest.param(request(requester="judicial", purpose="criminal_evaluation", legal_basis=None,
                         records=[RELATED_RAPE, RELATED_OPEN]), "permit", ["N-RAPE"], [], "Q-JUD",
                 id="judicial_sees_the_sealed_related_record"),
    pytest.param(request(requester="judicial", purpose="general_recidivism", legal_basis=None,
                         records=[RELATED_RAPE]), "refuse", [], [], "Q-JUD-GENERAL", id="judicial_general_refused"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("data, recommendation, disclosed, open_listed, rule", KINDS)
def test_record_kinds(catalogue, data, recommendation, disclosed, open_listed, rule):
    decision = decide(data)
    assert (decision["recommendation"], decision["disclosed"], decision["open_listed"]) == \
        (recommendation, disclosed, open_listed)
    assert rules(decision)[0] == rule
    has_related_sealed = any(r.get("kind") == "related" and r["status"] != "open" for r in data["records"])
    assert ("J-NONPROS-SCOPE" in rules(decision)) == (data["requester"] == "unit" and has_related_sealed)
    if data["requester"] != "judicial":
        assert "N-RAPE" not in json.dumps(decision, ensure_ascii=False)


@pytest.mark.django_db
@pytest.mark.parametrize("agency, received, deadline", [
    pytest.param(None, "2025-03-07", "2025-03-12", id="police_by_default"),
    pytest.param("null", "2025-03-07", "2025-03-12", id="null_is_police"),
    pytest.param("police", "2025-09-30", "2025-10-11", id="police_across_national_day"),
    pytest.param("court", "2025-03-07", "2025-03-12", id="court_3_working_days"),
    pytest.param("procuratorate", "2025-03-01", "2025-03-10", id="procuratorate_saturday_moves_to_monday"),
    pytest.param("procuratorate", "2025-09-26", "2025-10-09", id="procuratorate_after_national_day"),
])
def test_deadline_by_answering_agency(agency, received, deadline):
    data = certificate(received=received)
    if agency is not None:
        data["answering_agency"] = None if agency == "null" else agency
        agency = None if agency == "null" else agency
    decision = decide(data)
    assert decision["deadline"] == deadline
    assert decision["answering_agency"] == (agency or "police")
    assert decision["trace"][-1]["facts"]["answering_agency"] == (agency or "police")


@pytest.mark.django_db
def test_the_policy_changes_only_the_police_number():
    from sealing.models import SealingPolicy

    SealingPolicy.objects.create(version=99, query_response_working_days=5, note="test")
    assert decide(certificate())["deadline"] == "2025-03-10"
    assert decide(certificate(answering_agency="court"))["deadline"] == "2025-03-06"
    assert decide(certificate(answering_agency="procuratorate"))["deadline"] == "2025-03-10"


@pytest.mark.django_db
def test_charge_categories_come_from_the_catalogue():
    from sealing.models import Charge

    assert "sexual" in Charge.objects.get(name="强奸罪").categories
    assert "violence" in Charge.objects.get(name="故意伤害罪").categories
    assert not {"sexual", "abuse", "trafficking", "violence"} & set(Charge.objects.get(name="盗窃罪").categories)


@pytest.mark.django_db
def test_mpl62_is_in_the_catalogue_every_installation_has():
    entry = LegalBasis.objects.get(code="MPL-62")
    assert entry.active
    assert set(entry.categories) == {"sexual", "abuse", "trafficking", "violence"}
    decision = decide(request())
    assert (decision["recommendation"], decision["disclosed"]) == ("permit", ["R-RAPE"])
    assert "未成年人保护法第六十二条" in decision["trace"][0]["message"]


@pytest.mark.django_db
def test_a_code_removed_from_the_catalogue_is_no_basis(catalogue):
    LegalBasis.objects.filter(code="MPL-62").delete()
    decision = decide(request())
    assert (decision["recommendation"], rules(decision)[0]) == ("refuse", "Q-UNIT-NOBASIS")


@pytest.mark.django_db
def test_an_entry_put_out_of_force_is_no_basis(catalogue):
    LegalBasis.objects.filter(code="MPL-62").update(active=False)
    assert decide(request())["recommendation"] == "refuse"


@pytest.mark.django_db
def test_the_response_time_is_the_policy_in_force():
    from sealing.models import SealingPolicy

    assert decide(certificate())["deadline"] == "2025-03-06"  # the default policy: 3 working days
    SealingPolicy.objects.create(version=99, query_response_working_days=5, note="test")
    decision = decide(certificate())
    assert decision["deadline"] == "2025-03-10"
    assert decision["trace"][-1]["facts"]["working_days"] == 5


@pytest.mark.django_db
def test_the_catalogue_row_decides_the_categories(catalogue):
    LegalBasis.objects.filter(code="MPL-62").update(categories=["property"])
    assert decide(request())["disclosed"] == ["R-THEFT"]


@pytest.mark.django_db
def test_deadline_follows_the_holiday_calendar_in_the_database():
    decision = decide(certificate(received="2025-09-30"))
    assert decision["deadline"] == "2025-10-11"
    assert decision["calendar_warning"] is None


@pytest.mark.django_db
def test_deadline_in_a_year_not_loaded_falls_back_to_weekdays_with_a_warning():
    decision = decide(certificate(received="2027-01-04"))
    assert decision["deadline"] == "2027-01-07"
    assert decision["calendar_warning"] == "calendar for 2027 not loaded: weekdays used"


@pytest.mark.django_db
def test_decision_has_every_contract_field(catalogue):
    decision = decide(request(id=42))
    for field in ("id", "recommendation", "disclosed", "deadline", "trace", "document", "statement", "open_listed",
                  "answering_agency"):
        assert field in decision
    assert decision["id"] == 42
    for step in decision["trace"]:
        assert {"rule", "source", "outcome", "message"} <= set(step)


@pytest.mark.django_db
def test_a_list_gives_a_list_of_decisions_in_the_same_order(catalogue):
    decisions = decide([request(id="second"), certificate(id="first")])
    assert [d["id"] for d in decisions] == ["second", "first"]
    assert [d["recommendation"] for d in decisions] == ["permit", "issue_certificate"]


@pytest.mark.django_db
def test_an_empty_list_gives_an_empty_list():
    assert decide([]) == []


@pytest.mark.django_db
def test_reads_a_file_given_as_argument(tmp_path):
    path = tmp_path / "request.json"
    path.write_text(json.dumps(certificate(), ensure_ascii=False), encoding="utf-8")
    assert decide("this stdin is ignored", str(path))["recommendation"] == "issue_certificate"


@pytest.mark.django_db
def test_reads_stdin_when_the_argument_is_a_dash():
    assert decide(certificate(), "-")["recommendation"] == "issue_certificate"


@pytest.mark.django_db
def test_output_is_indented_utf8_json_with_chinese_unescaped():
    code, out, err = run(certificate())
    assert code == 0
    assert err == ""
    assert out.startswith('{\n  "id": "Q-1",')
    assert "\\u" not in out
    assert any("\u4e00" <= ch <= "\u9fff" for ch in out)
    assert out == json.dumps(json.loads(out), ensure_ascii=False, indent=2) + "\n"


@pytest.mark.django_db
def test_evaluation_writes_nothing_to_the_database(catalogue, no_writes):
    decide([request(id="a"), certificate([OPEN_FRAUD], id="b"),
            request(id="c", requester="judicial", purpose="criminal_evaluation")])
    run({"id": "bad"})


# --- invalid input ---------------------------------------------------------------------------------

def record(**changes):
    data = {"id": "R-9", "status": "sealed", "charges": ["盗窃罪"]}
    data.update(changes)
    return data


MALFORMED = [
    pytest.param('{"id": "Q-1", "requester": ', "$", None, id="invalid_json"),
    pytest.param("", "$", None, id="empty_input"),
    pytest.param('{"id": "Q-1"} trailing', "$", None, id="trailing_garbage"),
    pytest.param('{"id": 1, "received": NaN}', "$", None, id="nan_is_not_json"),
    pytest.param("42", "$", None, id="top_level_number"),
    pytest.param('"request"', "$", None, id="top_level_string"),
    pytest.param("null", "$", None, id="top_level_null"),
    pytest.param([request(), "not a request"], "$", 1, id="list_item_not_an_object"),
    pytest.param([request(id="a"), certificate(id="b"), without(request(id="c"), "received")], "received", 2,
                 id="list_with_a_bad_request"),
    pytest.param(without(request(), "id"), "id", None, id="missing_id"),
    pytest.param(without(request(), "requester"), "requester", None, id="missing_requester"),
    pytest.param(request(requester="court"), "requester", None, id="unknown_requester"),
    pytest.param(without(request(), "purpose"), "purpose", None, id="missing_purpose"),
    pytest.param(request(purpose="curiosity"), "purpose", None, id="unknown_purpose"),
    pytest.param(request(legal_basis=62), "legal_basis", None, id="legal_basis_a_number"),
    pytest.param(request(legal_basis={"code": "MPL-62"}), "legal_basis", None, id="legal_basis_an_object"),
    pytest.param(without(request(), "received"), "received", None, id="missing_received"),
    pytest.param(request(received="2025/03/03"), "received", None, id="received_bad_format"),
    pytest.param(request(received="2025-02-29"), "received", None, id="received_impossible"),
    pytest.param(request(records={"id": "R-1"}), "records", None, id="records_an_object"),
    pytest.param(request(records=[record(), 5]), "records[1]", None, id="record_not_an_object"),
    pytest.param(request(records=[{"status": "sealed"}]), "records[0].id", None, id="record_without_id"),
    pytest.param(request(records=[record(id="a"), record(id="b"), record(id="c", status="expunged")]),
                 "records[2].status", None, id="unknown_status"),
    pytest.param(request(records=[record(charges="盗窃罪")]), "records[0].charges", None, id="charges_a_string"),
    pytest.param(request(records=[record(charges=["盗窃罪", 7])]), "records[0].charges[1]", None,
                 id="charge_not_a_string"),
    # unknown keys, top level and in records
    pytest.param(request(prior_conviction=1), "prior_conviction", None, id="unknown_top_level_key"),
    pytest.param(request(legalbasis="MPL-62"), "legalbasis", None, id="misspelt_legal_basis"),
    pytest.param(request(records=[record(), record(id="b", sealed=True)]), "records[1].sealed", None,
                 id="unknown_record_key"),
    pytest.param([request(id="a"), request(id="b", records=[record(Status="open")])], "records[0].Status", 1,
                 id="unknown_record_key_in_a_list"),
    # records are required
    pytest.param(without(request(), "records"), "records", None, id="missing_records"),
    pytest.param(request(records=None), "records", None, id="null_records"),
    # duplicate ids
    pytest.param([request(id="a"), certificate(id="b"), request(id="a")], "id", 2, id="duplicate_request_id"),
    pytest.param(request(records=[record(id="x"), record(id="y"), record(id="x")]), "records[2].id", None,
                 id="duplicate_record_id"),
    # unknown charge names: an input error, never "irrelevant"
    pytest.param(request(records=[record(), record(id="b", charges=["没有这个罪名"])]), "records[1].charges[0]", None,
                 id="unknown_charge"),
    pytest.param([certificate(id="a"), request(id="b", records=[record(charges=["强奸罪", "强奸"])])],
                 "records[0].charges[1]", 1, id="unknown_charge_in_a_list"),
    # kind, answering_agency, status, types, dates
    pytest.param(request(records=[record(kind="non_prosecution")]), "records[0].kind", None, id="unknown_kind"),
    pytest.param(request(records=[record(kind=True)]), "records[0].kind", None, id="kind_a_boolean"),
    pytest.param(request(answering_agency="ministry"), "answering_agency", None, id="unknown_answering_agency"),
    pytest.param(request(answering_agency=["police"]), "answering_agency", None, id="answering_agency_a_list"),
    pytest.param(request(records=[record(status=None)]), "records[0].status", None, id="null_status"),
    pytest.param(request(records=[record(status=1)]), "records[0].status", None, id="status_a_number"),
    pytest.param(request(id=1.5), "id", None, id="id_a_float"),
    pytest.param(request(records=[record(id=[1])]), "records[0].id", None, id="record_id_a_list"),
    pytest.param(request(received="2025-04-31"), "received", None, id="received_april_31"),
    pytest.param(request(received="2025-00-10"), "received", None, id="received_month_0"),
    pytest.param(request(received="0001-01-01"), "received", None, id="received_year_1"),
    pytest.param(request(received="2025-3-3"), "received", None, id="received_not_zero_padded"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("data, field, index", MALFORMED)
def test_invalid_input_exits_2_with_a_json_error_naming_the_field(data, field, index):
    code, out, err = run(data)
    assert code == 2
    error = json.loads(out)
    assert error["field"] == field
    assert isinstance(error["error"], str) and error["error"]
    if index is None:
        assert "index" not in error
    else:
        assert error["index"] == index
    assert json.loads(err) == error
    assert "Traceback" not in err


@pytest.mark.django_db
@pytest.mark.parametrize("typed, suggested", [("盗窃", "盗窃罪"), ("故意伤害", "故意伤害罪"), ("强奸 罪", "强奸罪")])
def test_unknown_charge_error_suggests_the_nearest_catalogue_name(typed, suggested):
    code, out, err = run(request(records=[record(charges=[typed])]))
    assert code == 2
    error = json.loads(out)
    assert error["field"] == "records[0].charges[0]"
    assert suggested in error["error"]
    assert "Traceback" not in err


@pytest.mark.django_db
def test_every_catalogue_charge_is_accepted():
    from sealing.models import Charge

    names = list(Charge.objects.values_list("name", flat=True))
    assert len(names) > 400
    records = [{"id": i, "status": "sealed", "charges": [name]} for i, name in enumerate(names)]
    decision = decide(request(requester="judicial", purpose="criminal_evaluation", records=records))
    assert len(decision["disclosed"]) == len(names)


@pytest.mark.django_db
def test_empty_records_are_fine():
    assert decide(certificate([]))["recommendation"] == "issue_certificate"


@pytest.mark.django_db
def test_unknown_legal_basis_code_is_not_an_error():
    assert decide(request(legal_basis="NOT-IN-THE-CATALOGUE"))["recommendation"] == "refuse"


@pytest.mark.django_db
def test_invalid_json_error_gives_line_and_column():
    code, out, _ = run('[\n  {"id": 1,,}\n]')
    assert code == 2
    message = json.loads(out)["error"]
    assert "line 2" in message and "column" in message


@pytest.mark.django_db
def test_missing_file_exits_2_naming_FILE(tmp_path):
    code, out, err = run("", str(tmp_path / "nowhere.json"))
    assert code == 2
    assert json.loads(out)["field"] == "FILE"
    assert json.loads(err) == json.loads(out)


@pytest.mark.django_db
def test_file_that_is_not_utf8_exits_2(tmp_path):
    path = tmp_path / "gbk.json"
    path.write_bytes(json.dumps(certificate([SEALED_THEFT]), ensure_ascii=False).encode("gbk"))
    code, out, _ = run("", str(path))
    assert code == 2
    assert json.loads(out)["field"] == "$"


@pytest.mark.django_db
def test_file_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(json.dumps(certificate(), ensure_ascii=False).encode("utf-8-sig"))
    assert decide("", str(path))["recommendation"] == "issue_certificate"


# --- as a real process -------------------------------------------------------------------------------

def test_process_prints_decisions_and_exits_0(process_env):
    env, db = process_env
    before = db.read_bytes()
    done = run_process(env, "evaluate_query", json.dumps([request(received="2025-09-30"), certificate([OPEN_FRAUD, SEALED_THEFT], id="Q-2")],
                                       ensure_ascii=False))
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b""
    text = done.stdout.decode("utf-8")  # UTF-8 even when the environment asks for ASCII
    assert "\\u" not in text
    unit, person = json.loads(text)
    assert (unit["recommendation"], unit["disclosed"], unit["deadline"]) == ("permit", ["R-RAPE"], "2025-10-11")
    assert rules(unit) == ["Q-UNIT-RELEVANT", "Q-SCOPE", "Q-DOCS", "Q-DEADLINE"]
    assert (person["recommendation"], person["document"]) == ("refuse", "refusal_notice")
    assert "R-THEFT" not in json.dumps(person)
    assert db.read_bytes() == before


def test_process_reports_invalid_input_as_json_with_exit_2(process_env):
    env, _ = process_env
    done = run_process(env, "evaluate_query", json.dumps([request(), request(id="Q-2", records=[record(), record(id="b", status="gone")])]))
    assert done.returncode == 2
    error = json.loads(done.stdout)
    assert error == {"error": error["error"], "field": "records[1].status", "index": 1}
    assert json.loads(done.stderr) == error
    assert b"Traceback" not in done.stderr

    done = run_process(env, "evaluate_query", "{not json")
    assert done.returncode == 2
    assert json.loads(done.stdout)["field"] == "$"
    assert b"Traceback" not in done.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("label", [7, ["x"], "案" * 101])
def test_a_bad_record_label_is_refused_naming_the_field(label, catalogue):
    code, out, _err = run(request(requester="judicial", purpose="criminal_evaluation", legal_basis=None,
                                  records=[{**SEALED_THEFT, "label": label}]))
    assert code == 2 and json.loads(out)["field"] == "records[0].label"


@pytest.mark.django_db
def test_a_record_label_names_the_record_in_the_reasons(catalogue):
    decision = decide(request(requester="judicial", purpose="criminal_evaluation", legal_basis=None,
                              records=[{**SEALED_THEFT, "label": "（2024）粤0104刑初5号"}]))
    messages = " ".join(step["message"] for step in decision["trace"])
    assert "（2024）粤0104刑初5号" in messages and "R-THEFT" not in messages
    assert decision["disclosed"] == ["R-THEFT"]
