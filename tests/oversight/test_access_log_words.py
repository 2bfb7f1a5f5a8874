"""The access log's "reason given" and "reference" columns in words, never the stored codes ("trace", a decision
code, an event's row number) — on the page and in its export (oversight.presentation)."""
from django.utils import translation

from oversight.presentation import access_reason, access_reference


def test_reasons_in_words():
    with translation.override("zh-hans"):
        assert access_reason("trace") == "查阅已决定查询申请存档的理由"
        assert access_reason("permit").startswith("决定：") and "permit" not in access_reason("permit")
        assert access_reason("observation event shown for correction") != "observation event shown for correction"
        assert access_reason("Q-JUD") == "Q-JUD"  # a rule id is a name users know
        assert access_reason("核对身份后依职权查阅") == "核对身份后依职权查阅"  # the user's own words
        assert access_reason("") == "—"
    with translation.override("en"):
        assert access_reason("trace") == "the decided request's stored reasons were read"


def test_references_in_words():
    with translation.override("zh-hans"):
        assert access_reference("event 512") == "考察期事件（更正页面）"
        assert access_reference("CX-2026-000001") == "CX-2026-000001"
        assert access_reference("") == "—"
