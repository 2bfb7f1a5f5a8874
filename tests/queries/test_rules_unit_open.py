"""Q-UNIT-OPEN (RULES.md §4): a unit with a catalogued basis, the person has open convictions — the
letter lists them too (`open_listed`); `disclosed` names only the sealed records disclosed. With no open
conviction and no relevant sealed one the answer is `answer_no_record`, the letter a person with no
record gets. Reading taken: with open convictions the recommendation is `permit`, even when no sealed
record is relevant (the letter then lists only the open ones). Pure: no database.
"""
import datetime as dt
import json

import pytest

from queries.rules import BasisInfo, QueryFacts, RecordInfo, recommend, weekday_calendar

D = dt.date.fromisoformat
MONDAY = D("2025-03-03")
CATEGORIES = {"强奸罪": frozenset({"sexual"}), "故意伤害罪": frozenset({"violence"}),
              "盗窃罪": frozenset({"property"}), "危险驾驶罪": frozenset({"traffic"})}
MPL_62 = BasisInfo("MPL-62", frozenset({"sexual", "abuse", "trafficking", "violence"}), "未成年人保护法第六十二条")


def categories(name):
    return CATEGORIES.get(name, frozenset())


def decide(requester, purpose, records, basis=None, code=None):
    facts = QueryFacts(id="Q-1", requester=requester, purpose=purpose, received=MONDAY,
                       legal_basis_code=code or (basis.code if basis else None), basis=basis, records=tuple(records))
    return recommend(facts, categories, weekday_calendar)


def unit(records, basis=MPL_62):
    return decide("unit", "employment_screening", records, basis)


OPEN_DRIVE = RecordInfo("O-DRIVE", "open", ("危险驾驶罪",))  # irrelevant to MPL-62, listed all the same
OPEN_HURT = RecordInfo("O-HURT", "open", ("故意伤害罪",))
SEALED_RAPE = RecordInfo("S-RAPE", "sealed", ("强奸罪",))
SEALED_THEFT = RecordInfo("S-THEFT", "sealed", ("盗窃罪",))
PROV_HURT = RecordInfo("P-HURT", "provisionally_sealed", ("故意伤害罪",))
OPEN_RELATED = RecordInfo("N-OPEN", "open", ("强奸罪",), kind="related")

TABLE = [
    # records -> recommendation, disclosed, open_listed, statement, trace between the first rule and Q-DOCS
    pytest.param([OPEN_DRIVE], "permit", [], ["O-DRIVE"], "listed_records", ["Q-UNIT-OPEN", "Q-SCOPE"],
                 id="open_conviction_only_is_a_permit_listing_it"),
    pytest.param([OPEN_DRIVE, SEALED_THEFT], "permit", [], ["O-DRIVE"], "listed_records", ["Q-UNIT-OPEN", "Q-SCOPE"],
                 id="open_conviction_and_irrelevant_sealed"),
    pytest.param([OPEN_DRIVE, SEALED_RAPE, SEALED_THEFT], "permit", ["S-RAPE"], ["O-DRIVE"], "listed_records",
                 ["Q-UNIT-OPEN", "Q-SCOPE"], id="open_conviction_and_relevant_sealed"),
    pytest.param([OPEN_HURT, OPEN_DRIVE, PROV_HURT], "permit", ["P-HURT"], ["O-HURT", "O-DRIVE"], "listed_records",
                 ["Q-UNIT-OPEN", "Q-SCOPE"], id="several_open_convictions_in_input_order"),
    pytest.param([SEALED_RAPE], "permit", ["S-RAPE"], [], "listed_records", ["Q-SCOPE"],
                 id="relevant_sealed_only"),
    pytest.param([SEALED_THEFT], "answer_no_record", [], [], "no_record", [], id="irrelevant_sealed_only"),
    pytest.param([], "answer_no_record", [], [], "no_record", [], id="no_record"),
    pytest.param([OPEN_RELATED], "answer_no_record", [], [], "no_record", [], id="open_related_record_is_not_listed"),
]


@pytest.mark.parametrize("records, recommendation, disclosed, open_listed, statement, middle", TABLE)
def test_unit_with_a_basis(records, recommendation, disclosed, open_listed, statement, middle):
    decision = unit(records)
    assert decision.recommendation == recommendation
    assert decision.disclosed == disclosed
    assert decision.open_listed == open_listed
    assert (decision.document, decision.statement) == ("notification_letter", statement)
    assert decision.rule_ids == ["Q-UNIT-RELEVANT", *middle, "Q-DOCS", "Q-DEADLINE"]
    data = decision.to_dict()
    assert data["open_listed"] == open_listed and data["disclosed"] == disclosed
    text = json.dumps(data, ensure_ascii=False)
    for record in records:
        if record.sealed and record.id not in disclosed:
            assert record.id not in text


def test_no_open_and_no_relevant_sealed_is_the_same_answer_as_no_record():
    none_relevant = unit([SEALED_THEFT]).to_dict()
    no_record = unit([]).to_dict()
    assert none_relevant == no_record


def test_the_sealed_part_of_the_answer_does_not_change_with_irrelevant_sealed_records():
    assert unit([OPEN_DRIVE, SEALED_THEFT]).to_dict() == unit([OPEN_DRIVE]).to_dict()


def test_q_unit_open_step_names_the_open_convictions():
    decision = unit([OPEN_DRIVE, SEALED_RAPE])
    relevant, unit_open = decision.trace[0], decision.trace[1]
    assert (relevant.rule, relevant.outcome) == ("Q-UNIT-RELEVANT", "permit")
    assert (unit_open.rule, unit_open.outcome) == ("Q-UNIT-OPEN", "permit")
    assert unit_open.facts["open_listed"] == ["O-DRIVE"]
    assert "O-DRIVE" in unit_open.message and "不受封存保护" in unit_open.message


def test_with_only_open_convictions_the_relevance_step_says_none_relevant():
    step = unit([OPEN_DRIVE]).trace[0]
    assert step.outcome == "none_relevant"
    assert step.facts["disclosed"] == []


def test_scope_and_letter_list_the_open_convictions_apart_from_the_sealed_ones():
    decision = unit([OPEN_DRIVE, SEALED_RAPE])
    scope = decision.trace[2]
    assert scope.rule == "Q-SCOPE"
    assert scope.facts["disclosed"] == ["S-RAPE"] and scope.facts["open_listed"] == ["O-DRIVE"]
    assert "保密承诺书" in scope.message  # a unit signs a confidentiality undertaking
    docs = decision.trace[3]
    assert docs.facts["disclosed"] == ["S-RAPE"] and docs.facts["open_listed"] == ["O-DRIVE"]
    assert "S-RAPE" in docs.message and "O-DRIVE" in docs.message


@pytest.mark.parametrize("code", [None, "NOT-IN-THE-CATALOGUE"])
def test_without_a_basis_nothing_is_listed(code):
    decision = decide("unit", "employment_screening", [OPEN_DRIVE, SEALED_RAPE], None, code)
    assert (decision.recommendation, decision.disclosed, decision.open_listed) == ("refuse", [], [])
    assert (decision.document, decision.statement) == ("notification_letter", "no_record")
    assert decision.open_records == ["O-DRIVE"]  # the reviewer's note, not the letter
    assert decision.rule_ids == ["Q-UNIT-NOBASIS", "Q-DOCS", "Q-DEADLINE"]


@pytest.mark.parametrize("purpose, recommendation, disclosed", [
    pytest.param("criminal_evaluation", "permit", ["S-RAPE"], id="q_jud"),
    pytest.param("general_recidivism", "refuse", [], id="q_jud_general"),
])
def test_a_judicial_letter_lists_open_convictions_too(purpose, recommendation, disclosed):
    decision = decide("judicial", purpose, [OPEN_DRIVE, SEALED_RAPE])
    assert (decision.recommendation, decision.disclosed, decision.open_listed) == \
        (recommendation, disclosed, ["O-DRIVE"])
    assert decision.statement == "listed_records"
    assert "Q-UNIT-OPEN" not in decision.rule_ids


@pytest.mark.parametrize("purpose", ["certificate", "employment_screening"])
def test_a_person_is_never_listed_records(purpose):
    decision = decide("self", purpose, [OPEN_DRIVE, SEALED_RAPE])
    assert decision.open_listed == [] and decision.disclosed == []
    assert decision.document == "refusal_notice"
