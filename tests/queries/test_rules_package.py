"""queries.rules is a package (facts, policy, deadlines, person, judicial, unit, docs, override, engine,
jsonio) that keeps every public name the old module had, shares the sealing engine's kernel, imports
nothing but the standard library and that kernel, and never reads the clock."""
import ast
import datetime as dt
import pathlib

import pytest

import sealing.rules
from queries import rules

PACKAGE = pathlib.Path(rules.__file__).parent

# Every public name queries/rules.py exported before it became a package (other code uses them).
OLD_NAMES = [
    "BasisInfo", "BasisLookup", "CATEGORY_ZH", "CPL_286", "Calendar", "ChargeCategories", "DEFAULT_WORKING_DAYS",
    "DOCUMENTS", "DOCUMENT_ZH", "InputError", "JUDICIAL_PERMITTED", "MAX_DAYS_SCANNED", "MAX_RECORDS", "MAX_YEAR",
    "MEASURES", "MIN_YEAR", "MPS_RULES", "PERSONS", "PURPOSES", "PURPOSE_ZH", "QueryDecision", "QueryFacts",
    "RECOMMENDATIONS", "RECORD_STATUSES", "REQUESTERS", "REQUESTER_ZH", "RecordInfo", "SEALED_STATUSES", "SRC_CERT",
    "SRC_CERT_OPEN", "SRC_DEADLINE", "SRC_DOCS", "SRC_JUD", "SRC_JUD_GENERAL", "SRC_SCOPE", "SRC_SELF_PURPOSE",
    "SRC_UNIT", "TraceStep", "add_working_days", "calendar_warning", "evaluate_payload", "is_overdue", "json_ready",
    "parse_queries", "parse_query", "q_cert", "q_cert_open", "q_deadline", "q_docs", "q_jud", "q_jud_general",
    "q_scope", "q_self_purpose", "q_unit_nobasis", "q_unit_relevant", "recommend", "relevant_records",
    "weekday_calendar", "zh",
]
NEW_NAMES = ["DeadlinePolicy", "DEFAULT_DEADLINE_POLICY", "document_for", "discloses_more", "RECORD_KINDS",
             "ANSWERING_AGENCIES", "q_unit_open", "j_nonpros_scope", "answer_deadline"]


@pytest.mark.parametrize("name", OLD_NAMES + NEW_NAMES)
def test_public_name_is_exported(name):
    assert hasattr(rules, name)
    assert name in rules.__all__


def test_all_names_exist():
    assert [name for name in rules.__all__ if not hasattr(rules, name)] == []


def test_the_kernel_is_the_sealing_engines():
    assert rules.TraceStep is sealing.rules.TraceStep
    assert rules.InputError is sealing.rules.InputError
    assert rules.json_ready is sealing.rules.json_ready
    assert rules.zh is sealing.rules.zh


def test_new_fields_have_their_defaults():
    assert rules.RecordInfo("R", "sealed").kind == "conviction"
    facts = rules.QueryFacts(id="Q", requester="self", purpose="certificate", received=dt.date(2025, 3, 3))
    assert facts.answering_agency == "police"


def _modules():
    return sorted(PACKAGE.glob("*.py"))


def test_the_package_is_split_by_rule():
    assert {p.stem for p in _modules()} >= {
        "__init__", "facts", "policy", "deadlines", "person", "judicial", "unit", "docs", "override", "engine", "jsonio",
    }
    assert not (PACKAGE.parent / "rules.py").exists()


STDLIB = {"__future__", "dataclasses", "datetime", "difflib", "typing", "re", "collections", "itertools"}


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.name)
def test_pure_standard_library_and_the_shared_kernel_only(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside the package
                continue
            names = [node.module]
        else:
            continue
        for name in names:
            assert name.split(".")[0] in STDLIB or name == "sealing.rules", f"{path.name} imports {name}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.name)
def test_the_engine_never_reads_the_clock(path):
    text = path.read_text(encoding="utf-8")
    for call in ("today(", "now(", "utcnow(", "time.time", "localdate("):
        assert call not in text, f"{path.name} reads the clock ({call})"
