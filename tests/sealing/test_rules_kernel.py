"""The shared kernel of both pure engines: one trace shape, one InputError, one set of JSON readers."""
import datetime as dt

import pytest

import sealing.rules as rules
from sealing.rules import kernel
from sealing.rules.dates import zh as dates_zh
from sealing.rules.facts import TraceStep as FactsTraceStep
from sealing.rules.facts import json_ready as facts_json_ready
from sealing.rules.jsonio import InputError as JsonioInputError


def test_old_homes_re_export_the_kernel():
    assert FactsTraceStep is kernel.TraceStep is rules.TraceStep
    assert facts_json_ready is kernel.json_ready is rules.json_ready
    assert JsonioInputError is kernel.InputError is rules.InputError
    assert dates_zh is kernel.zh is rules.zh


def test_zh_writes_the_date_as_a_clerk_does():
    assert kernel.zh(dt.date(2024, 2, 29)) == "2024年2月29日"
    assert kernel.zh(None) == "（未知）"


def test_json_ready_turns_dates_and_sets_into_json():
    assert kernel.json_ready({"d": dt.date(2024, 1, 2), "s": frozenset({"b", "a"}), "t": (1, 2)}) == {
        "d": "2024-01-02", "s": ["a", "b"], "t": [1, 2],
    }


def test_trace_step_to_dict():
    step = kernel.TraceStep("A-OBS", "src", "period", "考察期", {"end": dt.date(2025, 1, 1)})
    assert step.to_dict() == {
        "rule": "A-OBS", "source": "src", "outcome": "period", "message": "考察期", "facts": {"end": "2025-01-01"},
    }


def test_input_error_shape():
    error = kernel.InputError("sentence.months", "must be an integer", index=2, code="int_type")
    assert error.to_dict() == {"error": "must be an integer", "field": "sentence.months", "index": 2}
    assert error.code == "int_type"
    assert kernel.InputError("id", "is required").to_dict() == {"error": "is required", "field": "id"}


@pytest.mark.parametrize("value, code", [
    ("2023-02-30", "date_invalid"),
    ("2023/02/01", "date_format"),
    ("20230201", "date_format"),
    (20230201, "date_format"),
    ("1899-12-31", "date_range"),
])
def test_read_date_refuses(value, code):
    with pytest.raises(kernel.InputError) as exc:
        kernel.read_date(value, "offense_date")
    assert exc.value.field == "offense_date" and exc.value.code == code


def test_read_date_reads_iso_dates():
    assert kernel.read_date("2024-02-29", "x") == dt.date(2024, 2, 29)


@pytest.mark.parametrize("value", [True, "3", 3.0, None, -1, 100_001])
def test_read_int_refuses(value):
    with pytest.raises(kernel.InputError) as exc:
        kernel.read_int(value, "prior_convictions")
    assert exc.value.field == "prior_convictions"


def test_read_bool_refuses_an_integer():
    with pytest.raises(kernel.InputError):
        kernel.read_bool(1, "suspended")
    assert kernel.optional_bool({}, "suspended", default=False) is False


def test_required_choice():
    assert kernel.required_choice({"k": "a"}, "k", ("a", "b")) == "a"
    with pytest.raises(kernel.InputError) as exc:
        kernel.required_choice({"k": "c"}, "k", ("a", "b"), field="x.k")
    assert exc.value.field == "x.k" and exc.value.code == "choice"
    with pytest.raises(kernel.InputError) as exc:
        kernel.required_choice({}, "k", ("a",))
    assert exc.value.code == "required"


@pytest.mark.parametrize("value", [None, "", "  ", True, 1.5, [1]])
def test_read_identifier_refuses(value):
    with pytest.raises(kernel.InputError):
        kernel.read_identifier(value, "id")


def test_check_keys_names_the_unknown_key_and_suggests_the_spelling():
    with pytest.raises(kernel.InputError) as exc:
        kernel.check_keys({"prior_conviction": 1}, ("prior_convictions", "id"), prefix="")
    assert exc.value.field == "prior_conviction" and exc.value.code == "unknown_key"
    assert "prior_convictions" in exc.value.message
    with pytest.raises(kernel.InputError) as exc:
        kernel.check_keys({"kind": "x", "month": 3}, ("kind", "months"), prefix="sentence")
    assert exc.value.field == "sentence.month"


def test_check_unique_names_the_second_occurrence():
    kernel.check_unique([("[0].id", 1), ("[1].id", "1")])  # an integer and a string differ
    with pytest.raises(kernel.InputError) as exc:
        kernel.check_unique([("[0].id", "a"), ("[1].id", "b"), ("[2].id", "a")])
    assert exc.value.field == "[2].id" and exc.value.code == "duplicate"


def test_read_list():
    assert kernel.read_list({}, "charges") == []
    with pytest.raises(kernel.InputError) as exc:
        kernel.read_list({"charges": "盗窃罪"}, "charges")
    assert exc.value.field == "charges"
