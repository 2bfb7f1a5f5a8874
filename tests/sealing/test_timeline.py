"""A file's timeline: start, tier, reductions, the seal, events, the end of observation and the final seal, in
date order; a hidden file's timeline keeps the dates and rule ids and tells none of the person's facts."""
import dataclasses
import datetime as dt

import pytest
from django.urls import reverse

from sealing import observation, services, timeline
from sealing.models import CommunityServiceEntry
from sealing.rules import DEFAULT_POLICY, CaseFacts, ChargeInfo, Event, Sentence, evaluate
from tests.cast import TODAY, defendant_data, enter_case

# Dangerous driving (a micro crime), detention served until 2026-03-01: twelve months from that start.
MICRO = CaseFacts(
    id="micro", birth_date=dt.date(1985, 1, 31), offense_date=dt.date(2024, 1, 5),
    charges=(ChargeInfo("危险驾驶罪", "detention"),), disposition="sentenced",
    sentence=Sentence(kind="detention", months=3), judgment_effective_date=dt.date(2024, 6, 1),
    sentence_completed_date=dt.date(2026, 3, 1), circumstances=frozenset({"good_conduct"}),
    community_service_hours=25,
    events=(Event(date=dt.date(2026, 9, 1), kind="administrative_detention"),),
)
AS_OF = dt.date(2026, 10, 1)
DETENTION = timeline.EventItem(pk=1, date=dt.date(2026, 9, 1), kind="administrative_detention",
                               kind_label="治安拘留", document_number="穗公（越）行罚决字〔2026〕9号")
SERVICE = timeline.ServiceItem(pk=1, hours=25, served_from=dt.date(2026, 4, 1), served_to=dt.date(2026, 5, 31),
                               state="verified")


def decided(facts=MICRO, policy=DEFAULT_POLICY, as_of=AS_OF) -> dict:
    return evaluate(facts, policy, as_of).to_dict()


def build(decision, **kwargs):
    kwargs.setdefault("today", AS_OF)
    return timeline.build(decision, **kwargs)


def test_the_timeline_lists_start_tier_reductions_extension_end_and_final_seal_in_date_order():
    entries = build(decided(), events=[DETENTION], service=[SERVICE])
    assert [(e.date, e.kind, e.rule) for e in entries] == [
        (dt.date(2026, 3, 1), "start", "A-START"),
        (dt.date(2026, 3, 1), "tier", "A-OBS"),
        (dt.date(2026, 3, 1), "reduction", "A-OBS-GOOD"),  # three months for good conduct
        (dt.date(2026, 3, 1), "reduction", "A-CS"),  # two months for 25 verified hours
        (dt.date(2026, 3, 1), "seal", "A-MODE"),  # provisionally sealed on the start date
        (dt.date(2026, 5, 31), "service", "A-CS"),
        (dt.date(2026, 9, 1), "event", "A-EXTEND"),
        # 12 − 3 − 2 + 6 months counted from the start: 2027-04-01, final from the day after
        (dt.date(2027, 4, 1), "end", "A-MODE"),
        (dt.date(2027, 4, 2), "final_seal", "A-MODE"),
    ]
    assert [e.upcoming for e in entries] == [False] * 7 + [True, True]
    event = entries[6]
    assert "穗公（越）行罚决字〔2026〕9号" in event.title and "延长" in event.detail and event.style == "warning"


def test_a_masked_timeline_keeps_dates_and_rule_ids_and_drops_the_facts():
    entries = build(decided(), events=[DETENTION], service=[SERVICE], masked=True)
    assert [e.rule for e in entries] == ["A-START", "A-OBS", "A-OBS-GOOD", "A-CS", "A-MODE", "A-CS", "A-EXTEND",
                                         "A-MODE", "A-MODE"]
    assert all(e.detail == "" for e in entries)
    text = " ".join(str(e.title) for e in entries)
    assert "穗公" not in text and "治安拘留" not in text and "25" not in text and "12" not in text


def test_a_withdrawn_event_is_struck_and_carries_no_rule():
    facts = dataclasses.replace(MICRO, events=())  # withdrawn: the engine no longer counts it
    withdrawn = dataclasses.replace(DETENTION, withdrawn=True)
    entries = build(decided(facts), events=[withdrawn])
    event = next(e for e in entries if e.kind == "event")
    assert event.struck and event.rule == ""
    assert next(e for e in entries if e.kind == "end").date == dt.date(2026, 10, 1)  # 12 − 3 − 2 months


def test_a_revocation_ends_the_timeline_without_an_end_or_a_final_seal():
    facts = dataclasses.replace(MICRO, events=(Event(date=dt.date(2026, 9, 1), kind="intentional_crime"),))
    withdrawn = dataclasses.replace(DETENTION, kind="intentional_crime", kind_label="新的故意犯罪")
    entries = build(decided(facts), events=[withdrawn])
    kinds = [(e.kind, e.rule) for e in entries]
    assert ("event", "A-REVOKE") in kinds and not {"end", "final_seal"} & {k for k, _r in kinds}
    assert next(e for e in entries if e.rule == "A-REVOKE").style == "danger"


def test_seal_immediately_has_no_period_only_the_final_seal_on_the_start_date():
    policy = dataclasses.replace(DEFAULT_POLICY, mode="seal_immediately")
    entries = build(decided(policy=policy))
    assert [(e.date, e.kind) for e in entries] == [(dt.date(2026, 3, 1), "start"), (dt.date(2026, 3, 1), "final_seal")]


def test_observe_then_seal_seals_the_day_after_the_end():
    policy = dataclasses.replace(DEFAULT_POLICY, mode="observe_then_seal")
    entries = build(decided(dataclasses.replace(MICRO, events=()), policy=policy))
    assert "seal" not in [e.kind for e in entries]  # the record stays open during observation
    assert [(e.date, e.kind) for e in entries][-2:] == [(dt.date(2026, 10, 1), "end"),
                                                       (dt.date(2026, 10, 2), "final_seal")]


def test_a_juvenile_file_shows_its_seal_date():
    entries = build({"regime": "juvenile", "seal_date": "2024-06-01", "trace": [
        {"rule": "J-AGE", "outcome": "juvenile", "message": "", "facts": {}},
        {"rule": "J-WHEN", "outcome": "sealed", "message": "判决生效之日封存", "facts": {}}]})
    assert [(e.date, e.kind, e.rule) for e in entries] == [(dt.date(2024, 6, 1), "seal", "J-WHEN")]


def test_status_changes_come_from_the_files_history(cast):
    data = defendant_data(charge="危险驾驶罪", sentence_kind="detention", sentence_months=3,
                          judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2026, 3, 1))
    case, _ = enter_case(cast.clerk_a, defendants=[data])
    services.record_event(case.defendants.get(), kind="intentional_crime", date=dt.date(2026, 5, 1),
                          document_number="（2026）粤0104刑初8号", user=cast.clerk_a, as_of=TODAY)
    file = case.defendants.get().sealing_file
    assert [c.status for c in timeline.status_changes(file)] == ["provisionally_sealed", "revoked"]
    entries = timeline.for_file(file, masked=False, today=TODAY)
    assert [e.badge for e in entries if e.kind == "status"] == [c.label for c in timeline.status_changes(file)]


# --- on the decision page ----------------------------------------------------------------------------------------

NAME = "欧阳清秋"


@pytest.fixture
def hidden_file(cast):
    data = defendant_data(name=NAME, charge="危险驾驶罪", sentence_kind="detention", sentence_months=3,
                          judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2026, 3, 1))
    case, _ = enter_case(cast.clerk_a, defendants=[data])
    file = case.defendants.get().sealing_file
    assert file.hidden
    observation.enter_service_hours(file.defendant, user=cast.clerk_a, hours=25, served_from=dt.date(2026, 4, 1),
                                    served_to=dt.date(2026, 5, 31), description="在越秀区某街道清扫落叶",
                                    document_number="越秀司社服〔2026〕12号", as_of=TODAY)
    return file, data


def test_a_hidden_files_page_shows_the_timeline_without_the_persons_facts(cast, login, hidden_file):
    file, data = hidden_file
    page = login(cast.clerk_a).get(reverse("sealing:file_detail", args=[file.pk])).content.decode()
    assert 'data-testid="timeline"' in page
    for rule in ("A-START", "A-OBS", "A-MODE"):
        assert rule in page
    assert "2027-03-01" in page  # the dates stay
    for secret in (NAME, data["id_number"], data["birth_date"].isoformat(), "清扫落叶"):
        assert secret not in page
    for step in file.decision["trace"]:
        assert step["message"] not in page


def test_the_opened_file_shows_the_timelines_reasons(cast, login, hidden_file):
    file, _data = hidden_file
    client = login(cast.clerk_a)
    page = client.post(reverse("sealing:file_open", args=[file.pk]),
                       {"reason": "核对社区服务时数以决定是否核实"}).content.decode()
    start = next(step for step in file.decision["trace"] if step["rule"] == "A-START")
    assert page.count(start["message"]) >= 2  # in the reasons and on the timeline
    assert "在越秀区某街道清扫落叶" in page
    assert CommunityServiceEntry.objects.get().verified_at is None
