"""RULES.md §4 as tables: who asks, for what, on which records — and what the reviewer is recommended.

Pure: no database. The charge categories and the calendar are small stand-ins.
"""
import datetime as dt
import json

import pytest

from queries.rules import (
    BasisInfo,
    InputError,
    QueryFacts,
    RecordInfo,
    TraceStep,
    evaluate_payload,
    parse_queries,
    parse_query,
    recommend,
    relevant_records,
    weekday_calendar,
)

D = dt.date.fromisoformat
MONDAY = D("2025-03-03")  # a plain week: the deadline is Thursday 2025-03-06

CATEGORIES = {
    "强奸罪": frozenset({"sexual"}),
    "猥亵儿童罪": frozenset({"sexual"}),
    "故意伤害罪": frozenset({"violence"}),
    "虐待罪": frozenset({"abuse"}),
    "拐卖妇女、儿童罪": frozenset({"trafficking"}),
    "盗窃罪": frozenset({"property"}),
    "诈骗罪": frozenset({"property", "fraud"}),
    "职务侵占罪": frozenset({"property", "corruption"}),
    "危险驾驶罪": frozenset({"traffic"}),
}


def categories(name):
    return CATEGORIES.get(name, frozenset())


# RULES.md §4: the catalogue's first entry, and an accounting-law entry of the tests' own
MPL_62 = BasisInfo("MPL-62", frozenset({"sexual", "abuse", "trafficking", "violence"}), "未成年人保护法第六十二条")
ACCOUNTING = BasisInfo("ACC-40", frozenset({"corruption"}), "会计法第四十条")
BASES = {"MPL-62": MPL_62, "ACC-40": ACCOUNTING}


def sealed(id, *charges):
    return RecordInfo(id, "sealed", tuple(charges))


def provisional(id, *charges):
    return RecordInfo(id, "provisionally_sealed", tuple(charges))


def opened(id, *charges):
    return RecordInfo(id, "open", tuple(charges))


def facts(requester, purpose, records=(), code=None, id="Q-1", received=MONDAY):
    return QueryFacts(id=id, requester=requester, purpose=purpose, received=received,
                      legal_basis_code=code, basis=BASES.get(code), records=tuple(records))


def decide(*args, **kwargs):
    return recommend(facts(*args, **kwargs), categories, weekday_calendar)


def rules(decision):
    return decision.rule_ids


def as_text(decision):
    return json.dumps(decision.to_dict(), ensure_ascii=False)


SEALED_RAPE = sealed("S-RAPE", "强奸罪")
SEALED_THEFT = sealed("S-THEFT", "盗窃罪")
PROV_HURT = provisional("P-HURT", "故意伤害罪")
PROV_DRIVE = provisional("P-DRIVE", "危险驾驶罪")
OPEN_FRAUD = opened("O-FRAUD", "诈骗罪")
OPEN_RAPE = opened("O-RAPE", "强奸罪")


# --- the table ---------------------------------------------------------------------------------------
# (requester, purpose, legal basis, records) -> recommendation, disclosed, the requester/purpose rule,
# the document and its statement

CASES = [
    # Q-CERT: a person with no open record gets the certificate
    pytest.param("self", "certificate", None, [], "issue_certificate", [], "Q-CERT", "certificate", "no_record",
                 id="cert_no_records"),
    pytest.param("self", "certificate", None, [SEALED_THEFT], "issue_certificate", [], "Q-CERT", "certificate",
                 "no_record", id="cert_only_sealed"),
    pytest.param("self", "certificate", None, [PROV_DRIVE], "issue_certificate", [], "Q-CERT", "certificate",
                 "no_record", id="cert_provisionally_sealed"),
    pytest.param("guardian", "certificate", None, [SEALED_RAPE, PROV_HURT], "issue_certificate", [], "Q-CERT",
                 "certificate", "no_record", id="cert_guardian_sealed_and_provisional"),
    pytest.param("self", "certificate", "MPL-62", [SEALED_RAPE], "issue_certificate", [], "Q-CERT", "certificate",
                 "no_record", id="cert_legal_basis_ignored_for_a_person"),
    # Q-CERT-OPEN: an open record refuses the certificate
    pytest.param("self", "certificate", None, [OPEN_FRAUD], "refuse", [], "Q-CERT-OPEN", "refusal_notice",
                 "open_record", id="cert_open_record"),
    pytest.param("self", "certificate", None, [SEALED_RAPE, OPEN_FRAUD, PROV_HURT], "refuse", [], "Q-CERT-OPEN",
                 "refusal_notice", "open_record", id="cert_open_beside_sealed"),
    pytest.param("guardian", "certificate", None, [OPEN_FRAUD], "refuse", [], "Q-CERT-OPEN", "refusal_notice",
                 "open_record", id="cert_guardian_open_record"),
    # a person may ask for nothing but the certificate
    pytest.param("self", "employment_screening", None, [], "refuse", [], "Q-SELF-PURPOSE", "refusal_notice",
                 "purpose", id="self_other_purpose_no_records"),
    pytest.param("guardian", "criminal_evaluation", None, [SEALED_RAPE], "refuse", [], "Q-SELF-PURPOSE",
                 "refusal_notice", "purpose", id="guardian_judicial_purpose"),
    # Q-JUD: case handling, special recidivism, drug recidivism — the sealed records
    pytest.param("judicial", "criminal_evaluation", None, [SEALED_THEFT, PROV_HURT], "permit",
                 ["S-THEFT", "P-HURT"], "Q-JUD", "notification_letter", "listed_records", id="jud_criminal_evaluation"),
    pytest.param("judicial", "special_recidivism", None, [SEALED_RAPE], "permit", ["S-RAPE"], "Q-JUD",
                 "notification_letter", "listed_records", id="jud_special_recidivism"),
    pytest.param("judicial", "drug_recidivism", None, [PROV_DRIVE], "permit", ["P-DRIVE"], "Q-JUD",
                 "notification_letter", "listed_records", id="jud_drug_recidivism"),
    pytest.param("judicial", "criminal_evaluation", None, [OPEN_FRAUD, SEALED_THEFT], "permit", ["S-THEFT"],
                 "Q-JUD", "notification_letter", "listed_records", id="jud_open_record_not_in_disclosed"),
    pytest.param("judicial", "criminal_evaluation", None, [], "permit", [], "Q-JUD", "notification_letter",
                 "no_record", id="jud_no_records_still_permit"),
    # Q-JUD-GENERAL: general recidivism or any other purpose — the seal holds
    pytest.param("judicial", "general_recidivism", None, [SEALED_THEFT], "refuse", [], "Q-JUD-GENERAL",
                 "notification_letter", "no_record", id="jud_general_recidivism"),
    pytest.param("judicial", "other", None, [SEALED_THEFT, PROV_HURT], "refuse", [], "Q-JUD-GENERAL",
                 "notification_letter", "no_record", id="jud_other"),
    pytest.param("judicial", "employment_screening", None, [SEALED_THEFT], "refuse", [], "Q-JUD-GENERAL",
                 "notification_letter", "no_record", id="jud_employment_screening"),
    pytest.param("judicial", "certificate", None, [SEALED_THEFT], "refuse", [], "Q-JUD-GENERAL",
                 "notification_letter", "no_record", id="jud_certificate"),
    # Q-UNIT-NOBASIS: no catalogued basis in force
    pytest.param("unit", "employment_screening", None, [SEALED_RAPE], "refuse", [], "Q-UNIT-NOBASIS",
                 "notification_letter", "no_record", id="unit_no_basis"),
    pytest.param("unit", "employment_screening", "XYZ-9", [SEALED_RAPE], "refuse", [], "Q-UNIT-NOBASIS",
                 "notification_letter", "no_record", id="unit_unknown_code"),
    pytest.param("unit", "employment_screening", None, [], "refuse", [], "Q-UNIT-NOBASIS",
                 "notification_letter", "no_record", id="unit_no_basis_no_records"),
    # Q-UNIT-RELEVANT: only the sealed records relevant to the basis
    pytest.param("unit", "employment_screening", "MPL-62", [SEALED_RAPE, SEALED_THEFT], "permit", ["S-RAPE"],
                 "Q-UNIT-RELEVANT", "notification_letter", "listed_records", id="unit_mpl62_relevant_only"),
    pytest.param("unit", "employment_screening", "MPL-62", [SEALED_THEFT, PROV_HURT, PROV_DRIVE], "permit",
                 ["P-HURT"], "Q-UNIT-RELEVANT", "notification_letter", "listed_records",
                 id="unit_mpl62_provisionally_sealed_relevant"),
    pytest.param("unit", "employment_screening", "MPL-62", [SEALED_THEFT, PROV_DRIVE], "answer_no_record", [],
                 "Q-UNIT-RELEVANT", "notification_letter", "no_record", id="unit_mpl62_none_relevant"),
    pytest.param("unit", "employment_screening", "MPL-62", [], "answer_no_record", [], "Q-UNIT-RELEVANT",
                 "notification_letter", "no_record", id="unit_mpl62_no_records"),
    # Q-UNIT-OPEN: open convictions are listed too, so the answer is a permit; `disclosed` stays sealed-only
    pytest.param("unit", "employment_screening", "MPL-62", [OPEN_RAPE, SEALED_THEFT], "permit", [],
                 "Q-UNIT-RELEVANT", "notification_letter", "listed_records", id="unit_open_record_is_not_a_sealed_one"),
    pytest.param("unit", "employment_screening", "MPL-62", [sealed("S-MIX", "盗窃罪", "虐待罪")], "permit",
                 ["S-MIX"], "Q-UNIT-RELEVANT", "notification_letter", "listed_records",
                 id="unit_one_relevant_charge_suffices"),
    pytest.param("unit", "employment_screening", "MPL-62", [sealed("S-UNKNOWN", "不存在的罪名")],
                 "answer_no_record", [], "Q-UNIT-RELEVANT", "notification_letter", "no_record",
                 id="unit_unknown_charge_has_no_category"),
    pytest.param("unit", "other", "ACC-40", [sealed("S-EMB", "职务侵占罪"), SEALED_RAPE], "permit", ["S-EMB"],
                 "Q-UNIT-RELEVANT", "notification_letter", "listed_records", id="unit_accounting_basis"),
]


@pytest.mark.parametrize("requester, purpose, code, records, recommendation, disclosed, rule, document, statement",
                         CASES)
def test_recommendation(requester, purpose, code, records, recommendation, disclosed, rule, document, statement):
    decision = decide(requester, purpose, records, code)
    assert decision.recommendation == recommendation
    assert decision.disclosed == disclosed
    assert decision.document == document
    assert decision.statement == statement
    assert rules(decision)[0] == rule
    assert decision.deadline == D("2025-03-06")
    # the trace order: the requester/purpose rule, Q-UNIT-OPEN for a unit's open convictions,
    # Q-SCOPE on a permit, Q-DOCS, Q-DEADLINE
    unit_open = rule == "Q-UNIT-RELEVANT" and any(r.open_conviction for r in records)
    expected = [rule] + (["Q-UNIT-OPEN"] if unit_open else []) + (["Q-SCOPE"] if recommendation == "permit" else []) \
        + ["Q-DOCS", "Q-DEADLINE"]
    assert rules(decision) == expected
    # nothing sealed that is not disclosed appears anywhere in the decision
    text = as_text(decision)
    for record in records:
        if record.sealed and record.id not in disclosed:
            assert record.id not in text


@pytest.mark.parametrize("requester, purpose, code, records, recommendation, disclosed, rule, document, statement",
                         CASES)
def test_every_step_reads_as_a_sentence_with_its_source(requester, purpose, code, records, recommendation,
                                                        disclosed, rule, document, statement):
    for step in decide(requester, purpose, records, code).trace:
        assert isinstance(step, TraceStep)
        assert step.rule.startswith("Q-")
        assert step.source and step.outcome
        assert any("\u4e00" <= ch <= "\u9fff" for ch in step.message)


# --- what the person may not learn from a difference ---------------------------------------------------

def without_id(decision):
    data = decision.to_dict()
    data.pop("id")
    return data


@pytest.mark.parametrize("records", [
    pytest.param([SEALED_THEFT], id="sealed"),
    pytest.param([PROV_DRIVE], id="provisionally_sealed"),
    pytest.param([SEALED_RAPE, PROV_HURT, sealed("S-3")], id="several"),
])
def test_certificate_is_the_same_as_for_a_person_who_never_had_a_record(records):
    assert without_id(decide("self", "certificate", records)) == without_id(decide("self", "certificate", []))


def test_unit_answer_with_no_relevant_record_is_the_same_as_with_no_record():
    none_relevant = decide("unit", "employment_screening", [SEALED_THEFT, PROV_DRIVE], "MPL-62")
    no_record = decide("unit", "employment_screening", [], "MPL-62")
    assert without_id(none_relevant) == without_id(no_record)


@pytest.mark.parametrize("requester, purpose, code", [
    pytest.param("unit", "employment_screening", None, id="unit_no_basis"),
    pytest.param("judicial", "general_recidivism", None, id="jud_general"),
    pytest.param("self", "other", None, id="self_other_purpose"),
])
def test_refusals_do_not_depend_on_sealed_records(requester, purpose, code):
    assert without_id(decide(requester, purpose, [SEALED_RAPE, PROV_HURT], code)) == \
        without_id(decide(requester, purpose, [], code))


def test_certificate_refusal_names_the_open_record_and_no_sealed_one():
    decision = decide("self", "certificate", [sealed("SEALED-7", "强奸罪"), OPEN_FRAUD, provisional("PROV-8")])
    text = as_text(decision)
    assert "O-FRAUD" in decision.trace[0].message
    assert "SEALED-7" not in text and "PROV-8" not in text
    assert decision.open_records == ["O-FRAUD"]


# --- Q-SCOPE, Q-DOCS, Q-DEADLINE -----------------------------------------------------------------------

def test_scope_lists_the_disclosed_records_with_purpose_and_confidentiality():
    decision = decide("unit", "employment_screening", [SEALED_RAPE, SEALED_THEFT], "MPL-62")
    scope = decision.trace[1]
    assert scope.rule == "Q-SCOPE"
    assert "S-RAPE" in scope.message and "S-THEFT" not in scope.message
    assert "保密" in scope.message and "用途" in scope.message and "日志" in scope.message
    assert scope.facts["disclosed"] == ["S-RAPE"]


def test_relevant_records_name_the_matching_charges_and_categories():
    found = relevant_records([sealed("S-1", "盗窃罪", "虐待罪", "故意伤害罪"), OPEN_RAPE], MPL_62, categories)
    assert [(r.id, charges, set(hit)) for r, charges, hit in found] == \
        [("S-1", ["虐待罪", "故意伤害罪"], {"abuse", "violence"})]


def test_unit_trace_cites_the_basis():
    step = decide("unit", "employment_screening", [SEALED_RAPE], "MPL-62").trace[0]
    assert "未成年人保护法第六十二条" in step.message and "MPL-62" in step.message


def test_judicial_trace_cites_the_criminal_law_articles():
    assert "第六十六条" in decide("judicial", "special_recidivism", [SEALED_THEFT]).trace[0].source
    assert "第三百五十六条" in decide("judicial", "drug_recidivism", [SEALED_THEFT]).trace[0].source
    assert "第六十五条" in decide("judicial", "general_recidivism", [SEALED_THEFT]).trace[0].source


def test_judicial_trace_mentions_open_records_as_unprotected():
    step = decide("judicial", "criminal_evaluation", [OPEN_FRAUD, SEALED_THEFT]).trace[0]
    assert "O-FRAUD" in step.message and "不受封存保护" in step.message


def test_deadline_is_on_every_decision_and_counts_the_receipt_day_out():
    friday = decide("self", "certificate", received=D("2025-03-07"))
    assert friday.deadline == D("2025-03-12")
    assert friday.calendar_warning is None
    assert friday.trace[-1].rule == "Q-DEADLINE"
    assert friday.trace[-1].facts["counted"] == [D("2025-03-10"), D("2025-03-11"), D("2025-03-12")]


def test_deadline_uses_the_calendar_given_with_its_make_up_days():
    # National Day 2025 as the State Council arranged it
    holidays = {D(f"2025-10-0{i}") for i in (1, 2, 3, 6, 7, 8)}
    makeup = {D("2025-09-28"), D("2025-10-11")}

    def calendar(day):
        return day in makeup or (day.weekday() < 5 and day not in holidays)

    decision = recommend(facts("self", "certificate", received=D("2025-09-30")), categories, calendar)
    assert decision.deadline == D("2025-10-11")
    assert decision.trace[-1].facts["makeup_working_days"] == [D("2025-10-11")]
    assert "调休" in decision.trace[-1].message


def test_deadline_warns_about_years_the_calendar_does_not_know():
    def calendar(day):
        return day.weekday() < 5

    calendar.year_known = lambda year: year <= 2026
    late = recommend(facts("self", "certificate", received=D("2026-12-30")), categories, calendar)
    assert late.deadline == D("2027-01-04")
    assert late.calendar_warning == "calendar for 2027 not loaded: weekdays used"
    assert late.trace[-1].outcome == "warning"
    early = recommend(facts("self", "certificate", received=D("2026-12-01")), categories, calendar)
    assert early.calendar_warning is None


def test_working_days_is_a_parameter():
    decision = recommend(facts("self", "certificate"), categories, weekday_calendar, working_days=5)
    assert decision.deadline == D("2025-03-10")


# --- the decision as JSON -------------------------------------------------------------------------------

def test_to_dict_has_the_contract_fields_with_an_iso_deadline():
    data = decide("unit", "employment_screening", [SEALED_RAPE], "MPL-62", id=17).to_dict()
    assert {"id", "recommendation", "disclosed", "deadline", "trace", "document", "statement",
            "calendar_warning"} <= set(data)
    assert data["id"] == 17
    assert data["deadline"] == "2025-03-06"
    assert data["disclosed"] == ["S-RAPE"]
    for step in data["trace"]:
        assert {"rule", "source", "outcome", "message"} <= set(step)
    json.dumps(data)  # plain JSON throughout


def test_has_rule_accepts_a_finer_id():
    decision = decide("self", "certificate", [OPEN_FRAUD])
    assert decision.has_rule("Q-CERT-OPEN") and decision.has_rule("Q-CERT") and decision.has_rule("Q-DOCS")
    assert not decision.has_rule("Q-SCOPE")


def test_unknown_requester_or_purpose_is_a_programming_error():
    with pytest.raises(ValueError):
        recommend(facts("court", "certificate"), categories, weekday_calendar)
    with pytest.raises(ValueError):
        recommend(facts("self", "curiosity"), categories, weekday_calendar)


# --- JSON in ---------------------------------------------------------------------------------------------

def request(**changes):
    data = {
        "id": "Q-1",
        "requester": "unit",
        "purpose": "employment_screening",
        "legal_basis": "MPL-62",
        "received": "2025-03-03",
        "records": [
            {"id": "R-1", "status": "sealed", "charges": ["强奸罪"]},
            {"id": "R-2", "status": "provisionally_sealed", "charges": ["盗窃罪"]},
            {"id": 3, "status": "open", "charges": []},
        ],
    }
    for key, value in changes.items():
        if value is DROP:
            data.pop(key, None)
        else:
            data[key] = value
    return data


DROP = object()


def record(**changes):
    data = {"id": "R-9", "status": "sealed", "charges": ["盗窃罪"]}
    data.update(changes)
    return data


def test_parse_query_builds_the_facts():
    parsed = parse_query(request(), BASES.get)
    assert parsed.requester == "unit" and parsed.purpose == "employment_screening"
    assert parsed.received == D("2025-03-03")
    assert parsed.basis == MPL_62 and parsed.legal_basis_code == "MPL-62"
    assert parsed.records == (sealed("R-1", "强奸罪"), provisional("R-2", "盗窃罪"), opened(3))


@pytest.mark.parametrize("changes, code", [
    pytest.param({"legal_basis": "NOPE-1"}, "NOPE-1", id="unknown_code_is_no_basis"),
    pytest.param({"legal_basis": None}, None, id="null"),
    pytest.param({"legal_basis": DROP}, None, id="absent"),
    pytest.param({"legal_basis": "  "}, None, id="blank_is_no_code"),
    pytest.param({"legal_basis": " MPL-62 "}, "MPL-62", id="stripped"),
])
def test_legal_basis_that_is_not_catalogued_is_not_an_error(changes, code):
    parsed = parse_query(request(**changes), BASES.get)
    assert parsed.legal_basis_code == code
    assert (parsed.basis is None) == (code != "MPL-62")


def test_records_are_required_but_may_be_empty_and_charges_may_be_absent():
    with pytest.raises(InputError) as caught:
        parse_query(request(records=DROP), BASES.get)
    assert caught.value.field == "records"
    assert parse_query(request(records=[]), BASES.get).records == ()
    assert parse_query(request(records=[{"id": "R", "status": "open"}]), None).records == (opened("R"),)


BAD = [
    pytest.param("not an object", "$", id="request_not_an_object"),
    pytest.param(request(id=DROP), "id", id="missing_id"),
    pytest.param(request(id=""), "id", id="empty_id"),
    pytest.param(request(id=True), "id", id="bool_id"),
    pytest.param(request(requester=DROP), "requester", id="missing_requester"),
    pytest.param(request(requester="court"), "requester", id="unknown_requester"),
    pytest.param(request(requester=["self"]), "requester", id="requester_a_list"),
    pytest.param(request(purpose=DROP), "purpose", id="missing_purpose"),
    pytest.param(request(purpose="curiosity"), "purpose", id="unknown_purpose"),
    pytest.param(request(legal_basis=62), "legal_basis", id="legal_basis_a_number"),
    pytest.param(request(legal_basis=["MPL-62"]), "legal_basis", id="legal_basis_a_list"),
    pytest.param(request(received=DROP), "received", id="missing_received"),
    pytest.param(request(received="2025/03/03"), "received", id="received_bad_format"),
    pytest.param(request(received="2025-02-30"), "received", id="received_impossible"),
    pytest.param(request(received="1850-01-01"), "received", id="received_implausible_year"),
    pytest.param(request(received=20250303), "received", id="received_a_number"),
    pytest.param(request(records="R-1"), "records", id="records_not_a_list"),
    pytest.param(request(records=[record(), "R-2"]), "records[1]", id="record_not_an_object"),
    pytest.param(request(records=[{"status": "sealed"}]), "records[0].id",
                 id="record_without_id"),
    pytest.param(request(records=[record(), record()]), "records[1].id", id="duplicate_record_id"),
    pytest.param(request(records=[record(), record(id="b"), record(id="c", status="expunged")]),
                 "records[2].status", id="unknown_status"),
    pytest.param(request(records=[{"id": "a", "charges": []}]), "records[0].status", id="missing_status"),
    pytest.param(request(records=[record(charges="盗窃罪")]), "records[0].charges", id="charges_not_a_list"),
    pytest.param(request(records=[record(charges=["盗窃罪", 7])]), "records[0].charges[1]", id="charge_not_a_string"),
    pytest.param(request(records=[record(charges=["盗窃罪", " "])]), "records[0].charges[1]", id="charge_blank"),
    # unknown keys are errors: a misspelt key must not silently change a decision
    pytest.param(request(prior_conviction=1), "prior_conviction", id="unknown_top_level_key"),
    pytest.param(request(recieved="2025-03-03"), "recieved", id="misspelt_top_level_key"),
    pytest.param(request(records=[record(sealed_on="2020-01-01")]), "records[0].sealed_on", id="unknown_record_key"),
    pytest.param(request(records=[record(), record(id="b", Kind="related")]), "records[1].Kind",
                 id="record_key_in_the_wrong_case"),
    # records are required; [] is fine
    pytest.param(request(records=DROP), "records", id="missing_records"),
    pytest.param(request(records=None), "records", id="null_records"),
    # kind and answering_agency
    pytest.param(request(records=[record(kind="nonprosecution")]), "records[0].kind", id="unknown_kind"),
    pytest.param(request(records=[record(kind=["related"])]), "records[0].kind", id="kind_a_list"),
    pytest.param(request(answering_agency="ministry"), "answering_agency", id="unknown_answering_agency"),
    pytest.param(request(answering_agency=1), "answering_agency", id="answering_agency_a_number"),
    pytest.param(request(answering_agency="Police"), "answering_agency", id="answering_agency_is_case_sensitive"),
    # wrong types and impossible dates
    pytest.param(request(records=[record(status=["sealed"])]), "records[0].status", id="status_a_list"),
    pytest.param(request(records=[record(id=1.5)]), "records[0].id", id="record_id_a_float"),
    pytest.param(request(id={"n": 1}), "id", id="id_an_object"),
    pytest.param(request(received="2025-13-01"), "received", id="received_month_13"),
    pytest.param(request(received="2025-04-31"), "received", id="received_april_31"),
    pytest.param(request(received="2023-02-29"), "received", id="received_feb_29_common_year"),
    pytest.param(request(received="2301-01-01"), "received", id="received_year_beyond_bound"),
]


@pytest.mark.parametrize("data, field", BAD)
def test_malformed_request_names_the_field(data, field):
    with pytest.raises(InputError) as caught:
        parse_query(data, BASES.get)
    assert caught.value.field == field
    assert caught.value.message
    assert caught.value.index is None
    assert caught.value.to_dict() == {"error": caught.value.message, "field": field}


def test_an_error_in_a_list_carries_its_index():
    with pytest.raises(InputError) as caught:
        parse_queries([request(), request(purpose="gossip")], BASES.get)
    assert (caught.value.field, caught.value.index) == ("purpose", 1)
    assert caught.value.to_dict()["index"] == 1


def test_evaluate_payload_keeps_the_shape_of_its_input():
    one = evaluate_payload(request(), BASES.get, categories, weekday_calendar)
    assert isinstance(one, dict)
    assert (one["recommendation"], one["disclosed"], one["deadline"]) == ("permit", ["R-1"], "2025-03-06")
    many = evaluate_payload([request(id="b"), request(id="a", requester="judicial", purpose="other")],
                            BASES.get, categories, weekday_calendar)
    assert [(d["id"], d["recommendation"]) for d in many] == [("b", "permit"), ("a", "refuse")]
    assert evaluate_payload([], BASES.get, categories, weekday_calendar) == []


def test_records_of_either_kind_and_every_answering_agency_are_read():
    parsed = parse_query(request(answering_agency="procuratorate", records=[
        record(id="a", kind="related"), record(id="b", kind="conviction"), record(id="c", kind=None)]), BASES.get)
    assert parsed.answering_agency == "procuratorate"
    assert [r.kind for r in parsed.records] == ["related", "conviction", "conviction"]
    assert parse_query(request(answering_agency=None), BASES.get).answering_agency == "police"
    assert parse_query(request(answering_agency="court"), BASES.get).answering_agency == "court"


CATALOGUE = frozenset({"盗窃罪", "强奸罪", "故意伤害罪", "危险驾驶罪", "诈骗罪"})


@pytest.mark.parametrize("charges, field, hint", [
    pytest.param(["盗窃"], "records[0].charges[0]", "盗窃罪", id="missing_zui"),
    pytest.param(["强奸罪", "故意伤害"], "records[0].charges[1]", "故意伤害罪", id="second_charge"),
    pytest.param(["没有这个罪名"], "records[0].charges[0]", None, id="nothing_near"),
])
def test_unknown_charge_is_an_input_error_naming_the_field_with_the_nearest_name(charges, field, hint):
    with pytest.raises(InputError) as caught:
        parse_query(request(records=[record(charges=charges)]), BASES.get, CATALOGUE)
    assert caught.value.field == field
    assert "catalogue" in caught.value.message
    if hint:
        assert f"did you mean '{hint}'" in caught.value.message
    else:
        assert "did you mean" not in caught.value.message


def test_unknown_charge_in_a_later_record_of_a_list():
    with pytest.raises(InputError) as caught:
        parse_queries([request(id="a"), request(id="b", records=[record(), record(id="c", charges=["诈骗"])])],
                      BASES.get, CATALOGUE)
    assert caught.value.to_dict() == {"error": caught.value.message, "field": "records[1].charges[0]", "index": 1}


def test_known_charges_pass_the_catalogue_check():
    parsed = parse_query(request(records=[record(charges=[" 盗窃罪 ", "强奸罪"])]), BASES.get, CATALOGUE)
    assert parsed.records[0].charges == ("盗窃罪", "强奸罪")


@pytest.mark.parametrize("payload, index", [
    pytest.param([request(id="a"), request(id="a")], 1, id="second_is_the_duplicate"),
    pytest.param([request(id=1), request(id=2), request(id=1)], 2, id="integer_ids"),
])
def test_duplicate_request_ids_in_a_list_are_an_error(payload, index):
    with pytest.raises(InputError) as caught:
        parse_queries(payload, BASES.get)
    assert (caught.value.field, caught.value.index) == ("id", index)
    assert "duplicate" in caught.value.message


def test_an_integer_and_a_string_id_are_different_requests():
    assert len(parse_queries([request(id=1), request(id="1")], BASES.get)) == 2


def test_evaluate_payload_takes_the_policy_and_the_catalogue():
    from queries.rules import DeadlinePolicy

    out = evaluate_payload(request(answering_agency="procuratorate", received="2025-03-01"), BASES.get, categories,
                           weekday_calendar, policy=DeadlinePolicy(), charge_names=CATALOGUE)
    assert out["deadline"] == "2025-03-10"
    with pytest.raises(InputError):
        evaluate_payload(request(records=[record(charges=["盗窃"])]), BASES.get, categories, weekday_calendar,
                         charge_names=CATALOGUE)
