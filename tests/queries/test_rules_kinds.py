"""Record kinds (RULES.md §1 "conviction", J-NONPROS-SCOPE, §4): only a conviction is a criminal record.

A related record (不起诉, 不予刑事处罚, 撤案, 强制措施 …), sealed or open, never refuses a certificate and
never goes to a unit; a sealed one goes to a judicial organ for case handling. Pure: no database.
"""
import datetime as dt
import json

import pytest

from queries.rules import BasisInfo, QueryFacts, RecordInfo, recommend, weekday_calendar

D = dt.date.fromisoformat
MONDAY = D("2025-03-03")

CATEGORIES = {
    "强奸罪": frozenset({"sexual"}),
    "猥亵儿童罪": frozenset({"sexual"}),
    "故意伤害罪": frozenset({"violence"}),
    "盗窃罪": frozenset({"property"}),
    "危险驾驶罪": frozenset({"traffic"}),
}
MPL_62 = BasisInfo("MPL-62", frozenset({"sexual", "abuse", "trafficking", "violence"}), "未成年人保护法第六十二条")


def categories(name):
    return CATEGORIES.get(name, frozenset())


def conviction(id, status, *charges):
    return RecordInfo(id, status, tuple(charges))


def related(id, status, *charges):
    return RecordInfo(id, status, tuple(charges), kind="related")


def decide(requester, purpose, records, basis=None):
    facts = QueryFacts(id="Q-1", requester=requester, purpose=purpose, received=MONDAY,
                       legal_basis_code=basis.code if basis else None, basis=basis, records=tuple(records))
    return recommend(facts, categories, weekday_calendar)


def without_id(decision):
    data = decision.to_dict()
    data.pop("id")
    return data


# sealed related records: a non-prosecution for rape (relevant by charge to MPL-62), one for theft
REL_RAPE = related("N-RAPE", "sealed", "强奸罪")
REL_HURT_PROV = related("N-HURT", "provisionally_sealed", "故意伤害罪")
REL_OPEN = related("N-OPEN", "open", "强奸罪")  # an open related record: still not a criminal record
CONV_RAPE = conviction("C-RAPE", "sealed", "强奸罪")
CONV_THEFT = conviction("C-THEFT", "sealed", "盗窃罪")
CONV_OPEN = conviction("C-OPEN", "open", "危险驾驶罪")


def test_a_record_is_a_conviction_unless_it_says_related():
    assert RecordInfo("R", "sealed").kind == "conviction"
    assert RecordInfo("R", "open").open_conviction
    assert not RecordInfo("R", "open", kind="related").open_conviction
    assert RecordInfo("R", "sealed", kind="related").related


# --- Q-CERT / Q-CERT-OPEN ----------------------------------------------------------------------------

CERTIFICATE = [
    pytest.param([], "issue_certificate", "Q-CERT", id="no_records"),
    pytest.param([REL_OPEN], "issue_certificate", "Q-CERT", id="only_an_open_related_record"),
    pytest.param([REL_RAPE], "issue_certificate", "Q-CERT", id="only_a_sealed_related_record"),
    pytest.param([REL_HURT_PROV], "issue_certificate", "Q-CERT", id="only_a_provisionally_sealed_related_record"),
    pytest.param([REL_OPEN, REL_RAPE, REL_HURT_PROV], "issue_certificate", "Q-CERT", id="related_records_of_every_status"),
    pytest.param([REL_OPEN, CONV_RAPE], "issue_certificate", "Q-CERT", id="open_related_beside_sealed_conviction"),
    pytest.param([CONV_OPEN], "refuse", "Q-CERT-OPEN", id="open_conviction"),
    pytest.param([REL_RAPE, CONV_OPEN], "refuse", "Q-CERT-OPEN", id="open_conviction_beside_related"),
]


@pytest.mark.parametrize("requester", ["self", "guardian"])
@pytest.mark.parametrize("records, recommendation, rule", CERTIFICATE)
def test_certificate_depends_only_on_open_convictions(requester, records, recommendation, rule):
    decision = decide(requester, "certificate", records)
    assert (decision.recommendation, decision.rule_ids[0]) == (recommendation, rule)
    assert decision.disclosed == [] and decision.open_listed == []
    assert decision.document == ("certificate" if recommendation == "issue_certificate" else "refusal_notice")


@pytest.mark.parametrize("records", [[REL_OPEN], [REL_RAPE], [REL_RAPE, REL_HURT_PROV, REL_OPEN, CONV_THEFT]])
def test_certificate_with_related_records_is_the_same_as_with_no_record(records):
    assert without_id(decide("self", "certificate", records)) == without_id(decide("self", "certificate", []))


def test_certificate_refusal_names_only_the_open_conviction():
    decision = decide("self", "certificate", [REL_RAPE, REL_OPEN, CONV_OPEN, CONV_THEFT])
    text = json.dumps(decision.to_dict(), ensure_ascii=False)
    assert decision.open_records == ["C-OPEN"]
    assert "C-OPEN" in decision.trace[0].message
    for hidden in ("N-RAPE", "N-OPEN", "C-THEFT"):
        assert hidden not in text


# --- Q-UNIT-RELEVANT and J-NONPROS-SCOPE ---------------------------------------------------------------

UNIT = [
    # (records) -> recommendation, disclosed, open_listed, trace
    pytest.param([REL_RAPE], "answer_no_record", [], [],
                 ["Q-UNIT-RELEVANT", "J-NONPROS-SCOPE", "Q-DOCS", "Q-DEADLINE"], id="sealed_related_relevant_charge"),
    pytest.param([REL_HURT_PROV], "answer_no_record", [], [],
                 ["Q-UNIT-RELEVANT", "J-NONPROS-SCOPE", "Q-DOCS", "Q-DEADLINE"], id="provisionally_sealed_related"),
    pytest.param([REL_RAPE, CONV_RAPE], "permit", ["C-RAPE"], [],
                 ["Q-UNIT-RELEVANT", "J-NONPROS-SCOPE", "Q-SCOPE", "Q-DOCS", "Q-DEADLINE"],
                 id="conviction_disclosed_related_withheld"),
    pytest.param([REL_OPEN], "answer_no_record", [], [],
                 ["Q-UNIT-RELEVANT", "Q-DOCS", "Q-DEADLINE"], id="open_related_record_is_not_listed"),
    pytest.param([REL_RAPE, CONV_OPEN], "permit", [], ["C-OPEN"],
                 ["Q-UNIT-RELEVANT", "J-NONPROS-SCOPE", "Q-UNIT-OPEN", "Q-SCOPE", "Q-DOCS", "Q-DEADLINE"],
                 id="related_withheld_open_conviction_listed"),
]


@pytest.mark.parametrize("records, recommendation, disclosed, open_listed, trace", UNIT)
def test_a_unit_never_gets_a_related_record(records, recommendation, disclosed, open_listed, trace):
    decision = decide("unit", "employment_screening", records, MPL_62)
    assert decision.recommendation == recommendation
    assert decision.disclosed == disclosed
    assert decision.open_listed == open_listed
    assert decision.rule_ids == trace
    text = json.dumps(decision.to_dict(), ensure_ascii=False)
    for record in records:
        if record.related:
            assert record.id not in text


def test_j_nonpros_scope_step_says_why_and_cites_the_spp_rules():
    step = decide("unit", "employment_screening", [REL_RAPE], MPL_62).trace[1]
    assert step.rule == "J-NONPROS-SCOPE"
    assert step.outcome == "withheld"
    assert "第四百八十六条" in step.source
    assert "司法机关" in step.message and "有关单位" in step.message


def test_no_basis_refusal_does_not_depend_on_related_records():
    with_related = decide("unit", "employment_screening", [REL_RAPE, REL_OPEN])
    assert with_related.rule_ids == ["Q-UNIT-NOBASIS", "Q-DOCS", "Q-DEADLINE"]
    assert without_id(with_related) == without_id(decide("unit", "employment_screening", []))


# --- Q-JUD / Q-JUD-GENERAL ----------------------------------------------------------------------------

@pytest.mark.parametrize("purpose", ["criminal_evaluation", "special_recidivism", "drug_recidivism"])
def test_a_judicial_organ_sees_sealed_related_records(purpose):
    decision = decide("judicial", purpose, [CONV_THEFT, REL_RAPE, REL_OPEN, REL_HURT_PROV])
    assert decision.recommendation == "permit"
    assert decision.disclosed == ["C-THEFT", "N-RAPE", "N-HURT"]  # sealed ones, input order
    assert decision.open_listed == []  # an open related record is not a criminal record
    assert decision.rule_ids == ["Q-JUD", "Q-SCOPE", "Q-DOCS", "Q-DEADLINE"]
    assert "J-NONPROS-SCOPE" in decision.trace[0].message


def test_a_judicial_organ_with_a_related_record_only():
    decision = decide("judicial", "criminal_evaluation", [REL_RAPE])
    assert (decision.recommendation, decision.disclosed, decision.statement) == ("permit", ["N-RAPE"], "listed_records")


@pytest.mark.parametrize("purpose", ["general_recidivism", "other"])
def test_the_seal_holds_for_related_records_against_general_judicial_purposes(purpose):
    decision = decide("judicial", purpose, [REL_RAPE, CONV_THEFT])
    assert (decision.recommendation, decision.disclosed, decision.statement) == ("refuse", [], "no_record")
    assert "N-RAPE" not in json.dumps(decision.to_dict(), ensure_ascii=False)


def test_q_self_purpose_does_not_depend_on_records():
    for records in ([], [REL_RAPE], [CONV_OPEN], [CONV_RAPE, REL_OPEN]):
        decision = decide("guardian", "employment_screening", records)
        assert (decision.recommendation, decision.rule_ids[0]) == ("refuse", "Q-SELF-PURPOSE")
        assert (decision.document, decision.statement) == ("refusal_notice", "purpose")
        # only `open_records`, the reviewer's note of open convictions (not protected by sealing), may differ
        same, none = without_id(decision), without_id(decide("guardian", "employment_screening", []))
        same.pop("open_records"), none.pop("open_records")
        assert same == none


def test_the_reasons_name_a_record_by_its_label_never_its_internal_id():
    """The web app labels each record with its case number; the reasons then never print the database id (the
    "记录：512" users found). Without a label (the JSON commands' records) the given id is the name."""
    labelled = RecordInfo(512, "sealed", ("故意伤害罪",), label="（2024）粤0104刑初77号")
    open_one = RecordInfo(513, "open", ("盗窃罪",), label="（2025）粤0104刑初9号")
    for requester, purpose, basis in (("judicial", "criminal_evaluation", None),
                                      ("unit", "employment_screening", MPL_62)):
        decision = decide(requester, purpose, [labelled, open_one], basis).to_dict()
        text = json.dumps([step["message"] for step in decision["trace"]], ensure_ascii=False)
        assert "（2024）粤0104刑初77号" in text and "（2025）粤0104刑初9号" in text
        assert "512" not in text and "513" not in text
        assert decision["disclosed"] == [512]  # the decision itself still names records by id
    plain = decide("judicial", "criminal_evaluation", [RecordInfo("R-1", "sealed", ("故意伤害罪",))]).to_dict()
    assert "R-1" in json.dumps([s["message"] for s in plain["trace"]], ensure_ascii=False)
