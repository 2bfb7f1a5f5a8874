"""Q-OVERRIDE: `discloses_more(recommended, recommended_ids, decided, decided_ids)` — a departure that
discloses more than recommended needs a second reviewer's approval (RULES.md §4)."""
import pytest

from queries.rules import RECOMMENDATIONS, discloses_more

TABLE = [
    # recommended, recommended ids, decided, decided ids -> discloses more
    pytest.param("permit", [1], "permit", [1], False, id="as_recommended"),
    pytest.param("permit", [1, 2], "permit", [2, 1], False, id="same_ids_other_order"),
    pytest.param("permit", [1, 2], "permit", [1], False, id="fewer_records"),
    pytest.param("permit", [1], "permit", [1, 2], True, id="a_record_beyond_those_recommended"),
    pytest.param("permit", [1], "permit", [2], True, id="another_record"),
    pytest.param("permit", [], "permit", [], False, id="permit_listing_only_open_convictions"),
    pytest.param("permit", [], "permit", [3], True, id="sealed_record_where_none_was_recommended"),
    pytest.param("permit", [7], "permit", ["7"], False, id="ids_compare_by_text"),
    pytest.param("refuse", [], "permit", [], True, id="permit_where_refusal_recommended"),
    pytest.param("refuse", [], "permit", [4], True, id="permit_with_records_where_refusal_recommended"),
    pytest.param("answer_no_record", [], "permit", [5], True, id="permit_where_no_record_recommended"),
    pytest.param("issue_certificate", [], "permit", [], True, id="permit_where_certificate_recommended"),
    pytest.param("permit", [1], "refuse", [], False, id="refusal_where_permit_recommended"),
    pytest.param("permit", [1], "answer_no_record", [], False, id="no_record_where_permit_recommended"),
    pytest.param("refuse", [], "answer_no_record", [], False, id="no_record_where_refusal_recommended"),
    pytest.param("refuse", [], "issue_certificate", [], False, id="certificate_where_refusal_recommended"),
    pytest.param("issue_certificate", [], "refuse", [], False, id="refusal_where_certificate_recommended"),
    pytest.param("answer_no_record", [], "refuse", [], False, id="refusal_where_no_record_recommended"),
    pytest.param("refuse", [], "refuse", [], False, id="refusal_as_recommended"),
]


@pytest.mark.parametrize("recommended, recommended_ids, decided, decided_ids, expected", TABLE)
def test_discloses_more(recommended, recommended_ids, decided, decided_ids, expected):
    assert discloses_more(recommended, recommended_ids, decided, decided_ids) is expected


def test_accepts_any_iterable_of_ids():
    assert discloses_more("permit", (i for i in [1]), "permit", {1, 2}) is True
    assert discloses_more("permit", frozenset({"a"}), "permit", ("a",)) is False


@pytest.mark.parametrize("recommended, decided", [("permit", "grant"), ("nothing", "permit")])
def test_unknown_outcome_is_a_programming_error(recommended, decided):
    with pytest.raises(ValueError):
        discloses_more(recommended, [], decided, [])


def test_a_permit_discloses_more_than_every_other_recommendation():
    for recommended in RECOMMENDATIONS:
        assert discloses_more(recommended, [], "permit", []) is (recommended != "permit")


def test_the_rule_id_is_in_the_docstring():
    assert "Q-OVERRIDE" in discloses_more.__doc__
