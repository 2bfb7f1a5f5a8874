"""Each finding kind of RULES.md §5: its cause creates one finding, a re-run keeps that one finding, and the
finding closes once the cause is gone."""
from __future__ import annotations

import datetime as dt

from audit.services import append_only_lifted
from oversight import services
from oversight.models import Finding, OversightPolicy, State
from queries import services as query_services
from queries.models import LegalBasis, Objection, Purpose, QueryRequest, QueryStatus, RequesterKind, WorkingDay
from sealing import notices
from sealing import services as sealing_services
from sealing.identity import make_id_number
from sealing.models import (
    AccessAction, AccessLog, Disposition, FileStatus, RecordKind, SealedRecordPermit, SealingNotice, SentenceKind,
)
from tests.cast import TODAY, defendant_data, enter_case

from .conftest import at

JUVENILE = dict(birth=dt.date(2007, 3, 1), charge="盗窃罪", sentence_months=10,
                judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))
# decided in 2011: J-RETRO
RETRO = dict(birth=dt.date(1993, 3, 1), charge="盗窃罪", sentence_months=10,
             judgment_effective_date=dt.date(2011, 3, 1), sentence_completed_date=dt.date(2012, 1, 1))


def scan(as_of):
    return services.scan(as_of)


def found(rule, **filters):
    return Finding.objects.filter(rule=rule, source="scan", **filters)


def lifecycle_start(rule, as_of, **filters) -> Finding:
    """Scan: one open finding for the cause; scan again: still that one finding, nothing created."""
    first = scan(as_of)
    assert first["by_rule"][rule]["created"] >= 1
    assert found(rule, **filters).count() == 1
    finding = found(rule, **filters).get()
    assert finding.state == State.OPEN and finding.detected_on == as_of
    assert finding.history.get().history_change_reason == "detected by the scan"
    again = scan(as_of)
    assert again["created"] == 0 and again["closed"] == 0
    assert finding.history.count() == 1  # nothing changed, nothing written
    assert again["by_rule"][rule]["open"] == first["by_rule"][rule]["open"]
    assert found(rule, **filters).count() == 1
    return finding


def lifecycle_end(finding: Finding, as_of) -> None:
    """Scan after the cause is gone: the finding is closed, with the reason, and a re-run leaves it so."""
    summary = scan(as_of)
    assert summary["by_rule"][finding.rule]["closed"] >= 1
    finding.refresh_from_db()
    assert finding.state == State.CLOSED and finding.closed_on == as_of
    assert finding.history.first().history_change_reason == "closed by the scan: the cause is gone"
    assert scan(as_of)["by_rule"][finding.rule]["created"] == 0
    assert list(Finding.objects.filter(key=finding.key).values_list("state", flat=True)) == [State.CLOSED]


def juvenile_case(clerk, number="（2024）粤0104刑初11号", serial=11, name="少年甲", offense_date=dt.date(2023, 5, 6),
                  **overrides):
    data = defendant_data(name=name, serial=serial, **{**JUVENILE, **overrides})
    case, record = enter_case(clerk, number=number, defendants=[data], content="判决书正文", offense_date=offense_date)
    return case, record, case.defendants.get().sealing_file


# --- S-UNSEALED ----------------------------------------------------------------------------------------------

def test_s_unsealed_notice_copy_overdue_until_the_agency_seals(cast, others):
    _case, _record, file = juvenile_case(cast.clerk_a)
    notice = file.notices.get(to_agency=others.police_x)
    notice = notices.acknowledge_notice(notice, user=others.police_clerk_x, now=at(TODAY))
    assert notice.deadline == TODAY + dt.timedelta(days=3)
    assert scan(notice.deadline)["by_rule"]["S-UNSEALED"]["open"] == 1  # the court's own copy, not this notice
    finding = lifecycle_start("S-UNSEALED", notice.deadline + dt.timedelta(days=1), sealing_notice=notice)
    assert finding.agency == others.police_x and finding.region == others.police_x.region
    assert finding.cause_date == notice.deadline and finding.sealing_file == file
    assert finding.facts["variant"] == "notice"
    notices.seal_notice_copy(notice, user=others.police_clerk_x, now=at(TODAY + dt.timedelta(days=5)))
    lifecycle_end(finding, TODAY + dt.timedelta(days=6))


def test_s_unsealed_deciding_agency_own_copy(cast, others):
    _case, record, file = juvenile_case(cast.clerk_a)
    assert not hasattr(record, "seal") or record.seal is None  # registered after the decision: still open
    finding = lifecycle_start("S-UNSEALED", TODAY, record=record)
    assert finding.agency == cast.agency_a and finding.facts["variant"] == "own_copy"
    assert finding.cause_date == file.seal_date + dt.timedelta(days=3)
    sealing_services.seal_file(file, user=cast.clerk_a, today=TODAY)
    lifecycle_end(finding, TODAY + dt.timedelta(days=1))


def test_s_unsealed_own_copy_in_time_is_no_finding(cast, others):
    """The seal date and the policy's days (3) are still in time."""
    effective = TODAY - dt.timedelta(days=3)
    juvenile_case(cast.clerk_a, judgment_effective_date=effective, sentence_completed_date=None)
    assert scan(TODAY)["by_rule"]["S-UNSEALED"]["open"] == 0
    assert scan(TODAY + dt.timedelta(days=1))["by_rule"]["S-UNSEALED"]["created"] == 1


def test_s_unsealed_retro_case_with_a_copy_open_elsewhere(cast, others):
    case, _record, file = juvenile_case(cast.clerk_a, number="（2011）粤0104刑初5号", name="旧案少年", serial=12,
                                        offense_date=dt.date(2010, 5, 6), **RETRO)
    sealing_services.seal_file(file, user=cast.clerk_a, today=TODAY)
    police_copy = sealing_services.create_record(user=others.police_clerk_x, case=case, data={
        "kind": RecordKind.CASE_FILE, "title": "侦查卷宗", "document_number": "", "content": "卷宗",
        "defendant": case.defendants.get()})
    finding = lifecycle_start("S-UNSEALED", TODAY, agency=others.police_x)
    assert finding.facts["variant"] == "retro" and finding.sealing_file == file
    assert finding.cause_date == dt.date(2011, 3, 1)
    notice = file.notices.get(to_agency=others.police_x)
    notices.seal_notice_copy(notice, user=others.police_clerk_x, now=at(TODAY))
    police_copy.refresh_from_db()
    assert police_copy.seal is not None
    lifecycle_end(finding, TODAY + dt.timedelta(days=1))


# --- S-UNDELIVERED ---------------------------------------------------------------------------------------------

def test_s_undelivered_notice_not_received_within_three_days(cast, others):
    _case, _record, file = juvenile_case(cast.clerk_a)
    notice = file.notices.get(to_agency=others.police_x)
    assert notice.sent_on == TODAY
    assert scan(TODAY + dt.timedelta(days=3))["by_rule"]["S-UNDELIVERED"]["open"] == 0
    finding = lifecycle_start("S-UNDELIVERED", TODAY + dt.timedelta(days=4), sealing_notice=notice)
    assert finding.agency == others.police_x and finding.cause_date == TODAY + dt.timedelta(days=3)
    # a late receipt is still a notice not received in time: the finding stays, its facts follow
    notices.acknowledge_notice(notice, user=others.police_clerk_x, now=at(TODAY + dt.timedelta(days=5)))
    assert scan(TODAY + dt.timedelta(days=5))["by_rule"]["S-UNDELIVERED"] == {"created": 0, "open": 2, "closed": 0}
    finding.refresh_from_db()
    assert finding.facts["received_on"] == (TODAY + dt.timedelta(days=5)).isoformat()
    assert finding.history.first().history_change_reason == "facts updated by the scan"
    # the file's records are open again (revoked): its open notices are withdrawn and the cause is gone
    notices.withdraw_open_notices(file, reason="observation revoked: new intentional crime")
    assert not SealingNotice.objects.filter(sealing_file=file, withdrawn_at__isnull=True).exists()
    lifecycle_end(finding, TODAY + dt.timedelta(days=6))


# --- S-OBS-OPEN ------------------------------------------------------------------------------------------------

def test_s_obs_open_until_the_sweep_makes_the_seal_final(cast, others):
    data = defendant_data(name="李四", serial=21, charge="危险驾驶罪", sentence_kind=SentenceKind.DETENTION,
                          sentence_months=2, judgment_effective_date=dt.date(2024, 11, 1),
                          sentence_completed_date=dt.date(2025, 1, 10))
    case, _record = enter_case(cast.clerk_a, number="（2024）粤0104刑初21号", defendants=[data],
                               today=dt.date(2025, 6, 1))
    file = case.defendants.get().sealing_file
    assert file.status == FileStatus.PROVISIONALLY_SEALED and file.observation_end < TODAY
    finding = lifecycle_start("S-OBS-OPEN", TODAY, sealing_file=file)
    assert finding.agency == cast.agency_a and finding.cause_date == file.observation_end
    sealing_services.evaluate_file(case.defendants.get(), as_of=TODAY)
    file.refresh_from_db()
    assert file.status == FileStatus.SEALED
    lifecycle_end(finding, TODAY)


# --- S-QUERY-LATE ------------------------------------------------------------------------------------------------

def certificate_request(clerk, serial=31, received=TODAY):
    person = make_id_number("440104", dt.date(1990, 1, 2), serial)
    return query_services.take_request(user=clerk, today=received, data={
        "received": received, "requester_kind": RequesterKind.SELF, "requester_name": "路人甲",
        "requester_id_number": person, "subject_name": "路人甲", "subject_id_number": person,
        "purpose": Purpose.CERTIFICATE, "legal_basis": None, "occupation": ""})


def test_s_query_late_unanswered_then_answered_late(cast, others):
    query = certificate_request(cast.clerk_a)
    assert scan(query.deadline)["by_rule"]["S-QUERY-LATE"]["open"] == 0
    late_day = query.deadline + dt.timedelta(days=1)
    finding = lifecycle_start("S-QUERY-LATE", late_day, query_request=query)
    assert finding.agency == cast.agency_a and finding.cause_date == query.deadline
    assert finding.facts["answered_on"] is None
    query_services.decide_query(query, reviewer=cast.reviewer_a, decision="issue_certificate", today=late_day,
                                now=at(late_day))
    assert scan(late_day)["by_rule"]["S-QUERY-LATE"] == {"created": 0, "open": 1, "closed": 0}  # answered late
    finding.refresh_from_db()
    assert finding.facts["answered_on"] == late_day.isoformat()
    # the deadline is corrected (the holiday calendar moved it): the answer was in time after all
    QueryRequest.objects.filter(pk=query.pk).update(deadline=late_day)
    lifecycle_end(finding, late_day + dt.timedelta(days=1))


# --- S-OVERRIDE ------------------------------------------------------------------------------------------------

def test_s_override_a_departure_from_the_recommendation(cast, others):
    person = make_id_number("440104", dt.date(1990, 1, 2), 41)
    enter_case(cast.clerk_a, number="（2024）粤0104刑初41号",
               defendants=[defendant_data(name="王五", serial=41, id_number=person)])  # an open robbery conviction
    query = query_services.take_request(user=cast.clerk_a, today=TODAY, data={
        "received": TODAY, "requester_kind": RequesterKind.SELF, "requester_name": "王五",
        "requester_id_number": person, "subject_name": "王五", "subject_id_number": person,
        "purpose": Purpose.CERTIFICATE, "legal_basis": None, "occupation": ""})
    assert query.recommendation["recommendation"] == "refuse"
    query = query_services.decide_query(query, reviewer=cast.reviewer_a, decision="issue_certificate",
                                        reason="申请人提交的再审判决已撤销原判决，应出具证明", today=TODAY, now=at(TODAY))
    assert query.status == QueryStatus.DECIDED and query.departs_from_recommendation
    finding = lifecycle_start("S-OVERRIDE", TODAY, query_request=query)
    assert finding.facts == {"variant": "departure", "request": query.serial, "recommended": "refuse",
                             "decided": "issue_certificate", "approved": False}
    QueryRequest.objects.filter(pk=query.pk).update(departs_from_recommendation=False)  # corrected on review
    lifecycle_end(finding, TODAY)


def test_s_override_each_record_disclosed_beyond_the_recommendation(cast, others):
    _case, _record, file = juvenile_case(cast.clerk_a)
    query = certificate_request(cast.clerk_a, serial=42)
    QueryRequest.objects.filter(pk=query.pk).update(
        status=QueryStatus.DECIDED, decision="permit", decided_at=at(TODAY), departs_from_recommendation=True,
        recommendation={**query.recommendation, "disclosed": []})
    query.disclosed.set([file.defendant])
    finding = lifecycle_start("S-OVERRIDE", TODAY, sealing_file=file)
    assert finding.facts["variant"] == "beyond" and finding.query_request == query
    assert found("S-OVERRIDE", query_request=query).count() == 2  # the departure, and the record beyond it
    query.disclosed.clear()
    lifecycle_end(finding, TODAY)


# --- S-NO-BASIS ------------------------------------------------------------------------------------------------

def unit_request(clerk, subject, basis, serial=51):
    return query_services.take_request(user=clerk, today=TODAY, data={
        "received": TODAY, "requester_kind": RequesterKind.UNIT, "requester_name": "某幼儿园",
        "requester_id_number": "", "requester_organisation": "某幼儿园", "subject_name": "少年甲",
        "subject_id_number": subject, "purpose": Purpose.EMPLOYMENT_SCREENING, "legal_basis": basis,
        "occupation": "保育员"})


def test_s_no_basis_a_theft_disclosed_under_the_minors_protection_basis(cast, others):
    _case, _record, file = juvenile_case(cast.clerk_a)
    basis = LegalBasis.objects.get(code="MPL-62")
    query = unit_request(cast.clerk_a, file.defendant.person.id_number, basis)
    QueryRequest.objects.filter(pk=query.pk).update(status=QueryStatus.DECIDED, decision="permit",
                                                    decided_at=at(TODAY))
    query.disclosed.set([file.defendant])  # 盗窃罪: not in MPL-62's categories
    finding = lifecycle_start("S-NO-BASIS", TODAY, query_request=query)
    assert finding.facts["fault"] == "outside_categories" and finding.sealing_file == file
    assert finding.agency == cast.agency_a and finding.cause_date == TODAY
    query.disclosed.clear()
    lifecycle_end(finding, TODAY)


def test_s_no_basis_without_a_basis_and_a_related_record(cast, others):
    data = defendant_data(name="少年乙", serial=52, birth=dt.date(2007, 3, 1), charge="故意伤害罪",
                          disposition=Disposition.NOT_PROSECUTED, sentence_kind="", sentence_months=None,
                          judgment_effective_date=dt.date(2024, 6, 1))
    case, _record = enter_case(cast.clerk_a, number="（2024）粤0104刑初52号", defendants=[data])
    defendant = case.defendants.get()
    assert defendant.sealing_file.hidden
    basis = LegalBasis.objects.get(code="MPL-62")
    with_basis = unit_request(cast.clerk_a, defendant.person.id_number, basis)
    without = unit_request(cast.clerk_a, defendant.person.id_number, None)
    for query in (with_basis, without):
        QueryRequest.objects.filter(pk=query.pk).update(status=QueryStatus.DECIDED, decision="permit",
                                                        decided_at=at(TODAY))
        query.disclosed.set([defendant])
    scan(TODAY)
    assert found("S-NO-BASIS", query_request=with_basis).get().facts["fault"] == "related_record"
    assert found("S-NO-BASIS", query_request=without).get().facts["fault"] == "no_basis"


# --- S-READ-SCOPE ------------------------------------------------------------------------------------------------

def test_s_read_scope_a_read_after_the_permit_expired(cast, others):
    _case, record, _file = juvenile_case(cast.clerk_a)
    permit = sealing_services.grant_permit(record=record, user=others.police_clerk_x, expires_at=at(TODAY, dt.time(9)),
                                           reference="CX-2026-000009", purpose="认定事实", granted_by=cast.reviewer_a)
    in_time = AccessLog.objects.create(user=others.police_clerk_x, record=record, permit=permit)
    late = AccessLog.objects.create(user=others.police_clerk_x, record=record, permit=permit)
    with append_only_lifted():  # the access log is append-only: lifted to backdate
        AccessLog.objects.filter(pk=in_time.pk).update(at=at(TODAY, dt.time(8)))
        AccessLog.objects.filter(pk=late.pk).update(at=at(TODAY, dt.time(10)))
    finding = lifecycle_start("S-READ-SCOPE", TODAY, access_log=late)
    assert finding.facts["fault"] == "expired" and finding.official == others.police_clerk_x
    assert finding.agency == others.police_x and finding.record == record
    assert not found("S-READ-SCOPE", access_log=in_time).exists()
    # the permit had been extended (the extension entered late): the read was within it
    SealedRecordPermit.objects.filter(pk=permit.pk).update(expires_at=at(TODAY, dt.time(18)))
    lifecycle_end(finding, TODAY)


def test_s_read_scope_a_read_without_a_permit_or_of_another_record(cast, others):
    _case, record, _file = juvenile_case(cast.clerk_a)
    _case2, other, _file2 = juvenile_case(cast.clerk_a, number="（2024）粤0104刑初12号", serial=13, name="少年丙")
    permit = sealing_services.grant_permit(record=record, user=others.police_clerk_x, expires_at=at(TODAY, dt.time(18)),
                                           reference="CX-2026-000010", purpose="认定事实", granted_by=cast.reviewer_a)
    bare = AccessLog.objects.create(user=others.police_clerk_x, record=other)
    wrong = AccessLog.objects.create(user=others.police_clerk_x, record=other, permit=permit)
    with append_only_lifted():  # the access log is append-only: lifted to backdate
        AccessLog.objects.filter(pk__in=[bare.pk, wrong.pk]).update(at=at(TODAY, dt.time(10)))
    scan(TODAY)
    assert found("S-READ-SCOPE", access_log=bare).get().facts["fault"] == "no_permit"
    assert found("S-READ-SCOPE", access_log=wrong).get().facts["fault"] == "other_record"


# --- S-READ-VOLUME -----------------------------------------------------------------------------------------------

def test_s_read_volume_above_the_policy_threshold_in_the_period(cast, others):
    _case, record, _file = juvenile_case(cast.clerk_a)
    OversightPolicy.objects.create(version=2, read_volume_threshold=3, read_volume_period_days=7, note="test")
    reads = [AccessLog.objects.create(user=cast.reviewer_a, record=record, action=AccessAction.REVIEWED)
             for _ in range(4)]
    with append_only_lifted():  # the access log is append-only: lifted to backdate
        AccessLog.objects.filter(pk__in=[r.pk for r in reads]).update(at=at(TODAY - dt.timedelta(days=2)))
    disclosed = AccessLog.objects.create(user=cast.clerk_b, record=record, action=AccessAction.DISCLOSED)
    with append_only_lifted():  # the access log is append-only: lifted to backdate
        AccessLog.objects.filter(pk=disclosed.pk).update(at=at(TODAY))
    finding = lifecycle_start("S-READ-VOLUME", TODAY, official=cast.reviewer_a)
    assert finding.facts["reads"] == 4 and finding.facts["threshold"] == 3 and finding.agency == cast.agency_a
    assert not found("S-READ-VOLUME", official=cast.clerk_b).exists()
    # the period moves on: the reads fall out of it
    lifecycle_end(finding, TODAY + dt.timedelta(days=5))


def test_s_read_volume_at_the_threshold_is_no_finding(cast, others):
    _case, record, _file = juvenile_case(cast.clerk_a)
    OversightPolicy.objects.create(version=2, read_volume_threshold=3, read_volume_period_days=7, note="test")
    for _ in range(3):
        AccessLog.objects.create(user=cast.reviewer_a, record=record, action=AccessAction.REVIEWED)
    with append_only_lifted():  # the access log is append-only: lifted to backdate
        AccessLog.objects.update(at=at(TODAY))
    assert scan(TODAY)["by_rule"]["S-READ-VOLUME"]["open"] == 0


# --- S-CALENDAR --------------------------------------------------------------------------------------------------

def test_s_calendar_next_year_missing_after_1_november(cast, others):
    WorkingDay.objects.filter(date__year=2027).delete()
    WorkingDay.objects.get_or_create(date=dt.date(2026, 1, 1), defaults={"is_working": False, "note": "元旦"})
    assert scan(dt.date(2026, 10, 31))["by_rule"]["S-CALENDAR"]["open"] == 0
    finding = lifecycle_start("S-CALENDAR", dt.date(2026, 11, 1))
    assert finding.facts == {"year": 2027, "due": "2026-11-01"} and finding.region is None and finding.agency is None
    WorkingDay.objects.create(date=dt.date(2027, 1, 1), is_working=False, note="元旦")
    lifecycle_end(finding, dt.date(2026, 11, 2))


# --- S-OBJECTION-LATE --------------------------------------------------------------------------------------------

def test_s_objection_late_until_the_extension_is_recorded(cast, others):
    query = certificate_request(cast.clerk_a, serial=61)
    query_services.decide_query(query, reviewer=cast.reviewer_a, decision="issue_certificate", today=TODAY,
                                now=at(TODAY))
    objection = query_services.take_objection(query, user=cast.clerk_a, objector_kind="person",
                                              objector_name="路人甲", received=TODAY,
                                              grounds="证明的出具日期有误，请求复查并更正", today=TODAY)
    late_day = objection.deadline + dt.timedelta(days=1)
    assert scan(objection.deadline)["by_rule"]["S-OBJECTION-LATE"]["open"] == 0
    finding = lifecycle_start("S-OBJECTION-LATE", late_day, objection=objection)
    assert finding.query_request == query and finding.cause_date == objection.deadline
    # the extension decided on the last day is entered after the scan ran: the time limit in force moves
    query_services.extend_objection(objection, user=others.reviewer_a2, reason="需调取原始档案核对，延长复查期限",
                                    today=objection.deadline, now=at(objection.deadline))
    lifecycle_end(finding, late_day)
    assert Objection.objects.get(pk=objection.pk).extended_deadline > late_day


# --- the whole scan ----------------------------------------------------------------------------------------------

def test_the_summary_names_every_rule_and_a_rerun_creates_nothing(cast, others):
    juvenile_case(cast.clerk_a)
    first = scan(TODAY + dt.timedelta(days=4))
    assert set(first) == {"created", "open", "closed", "by_rule"}
    assert list(first["by_rule"]) == ["S-UNSEALED", "S-UNDELIVERED", "S-OBS-OPEN", "S-QUERY-LATE", "S-OVERRIDE",
                                      "S-NO-BASIS", "S-READ-SCOPE", "S-READ-VOLUME", "S-CALENDAR", "S-OBJECTION-LATE",
                                      "S-ORAL-REPEAT"]
    assert first["created"] == first["open"] == Finding.objects.filter(state="open").count() > 0
    second = scan(TODAY + dt.timedelta(days=4))
    assert second["created"] == 0 and second["closed"] == 0 and second["open"] == first["open"]


def test_a_dismissed_finding_stays_open_and_is_not_raised_again(cast, others):
    _case, record, _file = juvenile_case(cast.clerk_a)
    scan(TODAY)
    finding = found("S-UNSEALED", record=record).get()
    services.dismiss_finding(finding, user=cast.supervisor_x, reason="该院已说明系系统延迟，次日即补封", now=at(TODAY))
    assert scan(TODAY + dt.timedelta(days=1))["by_rule"]["S-UNSEALED"]["created"] == 0
    finding.refresh_from_db()
    assert finding.state == State.OPEN and finding.triage == "dismissed"


# --- settled past violations ---------------------------------------------------------------------------------------

def test_a_past_violation_closes_once_an_instrument_resting_on_it_is_accepted_and_is_not_raised_again(cast, others):
    from oversight import instruments
    from oversight.models import InstrumentKind, ReplyOutcome

    query = certificate_request(cast.clerk_a)
    late_day = query.deadline + dt.timedelta(days=1)
    query_services.decide_query(query, reviewer=cast.reviewer_a, decision="issue_certificate", today=late_day,
                                now=at(late_day))
    finding = lifecycle_start("S-QUERY-LATE", late_day, query_request=query)  # answered late: a past event
    rec = instruments.draft_instrument(
        user=cast.supervisor_x, kind=InstrumentKind.RECOMMENDATION, agency=cast.agency_a,
        facts="该院答复查询申请超过法定期限", legal_basis="《人民检察院检察建议工作规定》",
        correction_required="建立查询申请期限提醒制度", findings=[finding], now=at(late_day))
    rec = instruments.issue_instrument(rec, user=cast.supervisor_x, today=late_day)
    instruments.reply_to_instrument(rec, user=cast.clerk_a, outcome=ReplyOutcome.ADOPTED,
                                    actions="已建立期限提醒制度并通报全院", today=late_day + dt.timedelta(days=10))
    # while the instrument is open the finding stays open
    assert scan(late_day + dt.timedelta(days=10))["by_rule"]["S-QUERY-LATE"]["closed"] == 0
    instruments.accept_reply(rec, user=cast.supervisor_x, today=late_day + dt.timedelta(days=12))
    finding.refresh_from_db()
    assert finding.settled_on == late_day + dt.timedelta(days=12) and finding.state == State.OPEN
    summary = scan(late_day + dt.timedelta(days=13))
    assert summary["by_rule"]["S-QUERY-LATE"]["closed"] == 1
    finding.refresh_from_db()
    assert finding.state == State.CLOSED
    assert finding.history.first().history_change_reason == "closed by the scan: a past violation, settled"
    again = scan(late_day + dt.timedelta(days=14))
    assert again["by_rule"]["S-QUERY-LATE"] == {"created": 0, "open": 0, "closed": 0}
    assert Finding.objects.filter(key=finding.key).count() == 1


def test_a_lasting_cause_stays_open_when_settled_until_it_is_gone(cast, others):
    _case, record, _file = juvenile_case(cast.clerk_a)
    scan(TODAY)
    finding = found("S-UNSEALED", record=record).get()
    services.settle_findings(Finding.objects.filter(pk=finding.pk), today=TODAY, reason="settled")
    assert scan(TODAY + dt.timedelta(days=1))["by_rule"]["S-UNSEALED"]["closed"] == 0
    finding.refresh_from_db()
    assert finding.state == State.OPEN  # the copy is still not sealed


def test_a_dismissed_past_violation_is_closed_and_not_raised_again(cast, others):
    query = certificate_request(cast.clerk_a)
    late_day = query.deadline + dt.timedelta(days=1)
    query_services.decide_query(query, reviewer=cast.reviewer_a, decision="issue_certificate", today=late_day,
                                now=at(late_day))
    scan(late_day)
    finding = found("S-QUERY-LATE", query_request=query).get()
    services.dismiss_finding(finding, user=cast.supervisor_x, reason="因系统故障顺延一日，已核实", now=at(late_day))
    assert scan(late_day + dt.timedelta(days=1))["by_rule"]["S-QUERY-LATE"] == {"created": 0, "open": 0, "closed": 1}
    assert Finding.objects.filter(key=finding.key).count() == 1


# --- S-ORAL-REPEAT ---------------------------------------------------------------------------------------------

def test_s_oral_repeat_three_oral_corrections_of_a_kind_until_a_written_notice(cast, others):
    from oversight import instruments
    from oversight.models import InstrumentKind

    def instrument(day, kind=InstrumentKind.ORAL, rule="S-UNSEALED"):
        complaint = services.enter_complaint(user=cast.supervisor_x, source="hotline", agency=cast.agency_a,
                                             received_on=day, description="群众反映法院未按期封存记录", rule=rule,
                                             today=day)
        inst = instruments.draft_instrument(
            user=cast.supervisor_x, kind=kind, agency=cast.agency_a, facts="该院未按期封存犯罪记录",
            legal_basis="《人民检察院刑事诉讼规则》第五百五十二条", correction_required="立即封存相关犯罪记录并书面回复",
            findings=[complaint], now=at(day))
        return instruments.issue_instrument(inst, user=cast.supervisor_x, today=day)

    instrument(dt.date(2025, 9, 1))
    instrument(dt.date(2026, 1, 1))
    instrument(dt.date(2026, 3, 1), rule="S-QUERY-LATE")  # another kind
    assert scan(TODAY)["by_rule"]["S-ORAL-REPEAT"]["open"] == 0
    third = instrument(dt.date(2026, 5, 1))
    finding = lifecycle_start("S-ORAL-REPEAT", TODAY, agency=cast.agency_a)
    assert finding.facts["count"] == 3 and finding.facts["kind"] == "S-UNSEALED"
    assert third.serial in finding.facts["oral_corrections"] and finding.region == cast.agency_a.region
    # the first oral correction ages out of the year: only two left, the proposal lapses
    lifecycle_end(finding, dt.date(2026, 9, 1))
    # raised again by a fourth, then the written notice follows: the proposal is answered
    instrument(dt.date(2026, 9, 2))
    scan(dt.date(2026, 9, 2))
    again = found("S-ORAL-REPEAT", state=State.OPEN).get()
    assert again.facts["count"] == 3
    notice = instruments.draft_instrument(
        user=cast.supervisor_x, kind=InstrumentKind.RECOMMENDATION, agency=cast.agency_a,
        facts="该院多次未按期封存犯罪记录", legal_basis="《人民检察院检察建议工作规定》",
        correction_required="建立封存期限管理制度", findings=[again], now=at(dt.date(2026, 9, 3)))
    instruments.issue_instrument(notice, user=cast.supervisor_x, today=dt.date(2026, 9, 3))
    assert scan(dt.date(2026, 9, 3))["by_rule"]["S-ORAL-REPEAT"] == {"created": 0, "open": 0, "closed": 1}
    again.refresh_from_db()
    assert again.state == State.CLOSED and again.closed_on == dt.date(2026, 9, 3)
    assert scan(dt.date(2026, 9, 4))["by_rule"]["S-ORAL-REPEAT"]["created"] == 0
