"""Instruments of supervision (RULES.md §5): the state machine, approval of a correction notice by a second
supervisor with the approver right, the agency's reply and review, reminders and reports up with the clock
passed in."""
from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission

from accounts.factories import AgencyFactory, UserFactory
from accounts.models import Agency
from accounts.roles import SUPERVISOR
from oversight import instruments, services
from oversight.instruments import OversightError
from oversight.models import (Finding, Instrument, InstrumentKind, InstrumentState, ReplyDecision, ReplyOutcome,
                              ReviewOutcome)
from tests.cast import TODAY

from .conftest import at

FACTS = "该局对已封存的未成年人犯罪记录未按期封存，逾期三十日"
BASIS = "《人民检察院刑事诉讼规则》第五百五十二条"
CORRECTION = "立即封存相关犯罪记录并书面回复纠正情况"


@pytest.fixture
def chief_x(cast):
    """A second supervisor at 越秀区人民检察院 holding the approver right (the chief procurator)."""
    user = UserFactory(username="chief_x", agency=cast.procuratorate_x, roles=[SUPERVISOR])
    user.user_permissions.add(Permission.objects.get(codename="approve_instrument"))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def city_procuratorate(cast):
    proc = AgencyFactory(name="广州市人民检察院", kind=Agency.Kind.PROCURATORATE, region=cast.procuratorate_x.region.parent)
    sup = UserFactory(username="supervisor_city", agency=proc, roles=[SUPERVISOR])
    return proc, sup


def draft(cast, kind=InstrumentKind.NOTICE, agency=None, findings=(), user=None):
    return instruments.draft_instrument(
        user=user or cast.supervisor_x, kind=kind, agency=agency or cast.agency_a, facts=FACTS, legal_basis=BASIS,
        correction_required=CORRECTION, findings=findings, now=at(TODAY))


def issued_notice(cast, chief, deadline=None):
    notice = draft(cast)
    instruments.submit_for_approval(notice, user=cast.supervisor_x)
    instruments.approve_instrument(notice, user=chief, now=at(TODAY))
    return instruments.issue_instrument(notice, user=cast.supervisor_x, today=TODAY, deadline=deadline)


def counts(**changed):
    return {"forewarned": 0, "reminded": 0, "escalated": 0, "review_overdue": 0, **changed}


def reasons(instrument):
    return [h.history_change_reason for h in instrument.history.order_by("history_date", "history_id")]


def test_a_correction_notice_goes_from_draft_through_approval_to_a_closed_reply(cast, chief_x):
    notice = draft(cast)
    assert notice.state == InstrumentState.DRAFT and notice.serial.startswith("JZ-")
    assert notice.region_id == cast.agency_a.region_id and notice.procuratorate == cast.procuratorate_x
    with pytest.raises(OversightError):  # a notice is approved before it is issued
        instruments.issue_instrument(notice, user=cast.supervisor_x, today=TODAY)
    instruments.submit_for_approval(notice, user=cast.supervisor_x)
    instruments.approve_instrument(notice, user=chief_x, now=at(TODAY))
    notice = instruments.issue_instrument(notice, user=cast.supervisor_x, today=TODAY)
    assert notice.state == InstrumentState.ISSUED and notice.deadline == TODAY + dt.timedelta(days=15)
    reply = instruments.reply_to_instrument(notice, user=cast.clerk_a, outcome=ReplyOutcome.ADOPTED,
                                            actions="已于六月五日封存全部相关记录", today=TODAY + dt.timedelta(days=4),
                                            attachments=[("封存回执.pdf", "application/pdf", b"%PDF-1.4 x")])
    assert reply.on_time and reply.attachments.get().data == b"%PDF-1.4 x"
    notice = instruments.accept_reply(notice, user=cast.supervisor_x, today=TODAY + dt.timedelta(days=6))
    assert notice.state == InstrumentState.CLOSED and notice.closed_on == TODAY + dt.timedelta(days=6)
    reply.refresh_from_db()
    assert reply.decision == ReplyDecision.ACCEPTED and reply.decided_by == cast.supervisor_x
    assert reasons(notice) == ["drafted", "submitted for approval", "approved", "issued", "replied by the agency",
                               "reply accepted: closed"]


def test_the_drafter_cannot_approve_and_a_supervisor_without_the_right_cannot_either(cast, chief_x):
    notice = draft(cast)
    instruments.submit_for_approval(notice, user=cast.supervisor_x)
    cast.supervisor_x.user_permissions.add(Permission.objects.get(codename="approve_instrument"))
    drafter = type(cast.supervisor_x).objects.get(pk=cast.supervisor_x.pk)
    with pytest.raises(OversightError, match="drafter cannot approve"):
        instruments.approve_instrument(notice, user=drafter, now=at(TODAY))
    plain = UserFactory(username="plain_sup_x", agency=cast.procuratorate_x, roles=[SUPERVISOR])
    with pytest.raises(OversightError, match="approver right"):
        instruments.approve_instrument(notice, user=plain, now=at(TODAY))
    chief_y = UserFactory(username="chief_y", agency=cast.procuratorate_y, roles=[SUPERVISOR])
    chief_y.user_permissions.add(Permission.objects.get(codename="approve_instrument"))
    with pytest.raises(OversightError, match="issuing procuratorate"):
        instruments.approve_instrument(notice, user=type(chief_y).objects.get(pk=chief_y.pk), now=at(TODAY))
    notice.refresh_from_db()
    assert notice.state == InstrumentState.AWAITING_APPROVAL and notice.approved_by is None
    instruments.approve_instrument(notice, user=chief_x, now=at(TODAY))
    notice.refresh_from_db()
    assert notice.state == InstrumentState.APPROVED and notice.approved_by == chief_x


def test_a_recommendation_is_issued_without_approval_with_two_months_to_reply(cast):
    rec = draft(cast, kind=InstrumentKind.RECOMMENDATION)
    with pytest.raises(OversightError):
        instruments.submit_for_approval(rec, user=cast.supervisor_x)
    rec = instruments.issue_instrument(rec, user=cast.supervisor_x, today=dt.date(2026, 6, 30))
    assert rec.state == InstrumentState.ISSUED and rec.deadline == dt.date(2026, 8, 30)
    assert rec.serial.startswith("JJ-")


def test_an_oral_correction_has_a_follow_up_date_and_no_reply(cast):
    oral = draft(cast, kind=InstrumentKind.ORAL)
    oral = instruments.issue_instrument(oral, user=cast.supervisor_x, today=TODAY)
    assert oral.follow_up_on == TODAY + dt.timedelta(days=15) and oral.deadline is None
    with pytest.raises(OversightError, match="no written reply"):
        instruments.reply_to_instrument(oral, user=cast.clerk_a, outcome=ReplyOutcome.ADOPTED,
                                        actions="已经纠正完毕并封存记录", today=TODAY)
    assert instruments.remind_and_escalate(as_of=TODAY + dt.timedelta(days=100)) == counts()
    oral = instruments.close_oral(oral, user=cast.supervisor_x, today=TODAY + dt.timedelta(days=15))
    assert oral.state == InstrumentState.CLOSED


def test_only_a_clerk_of_the_agency_addressed_replies(cast, others, chief_x):
    notice = issued_notice(cast, chief_x)
    for outsider in (cast.clerk_b, others.police_clerk_x, cast.supervisor_x):
        with pytest.raises(OversightError, match="agency addressed"):
            instruments.reply_to_instrument(notice, user=outsider, outcome=ReplyOutcome.ADOPTED,
                                            actions="已经纠正完毕并封存记录", today=TODAY)
    with pytest.raises(OversightError, match="agency addressed"):  # a reviewer of the agency holds no reply right
        instruments.reply_to_instrument(notice, user=cast.reviewer_a, outcome=ReplyOutcome.ADOPTED,
                                        actions="已经纠正完毕并封存记录", today=TODAY)
    notice.refresh_from_db()
    assert notice.state == InstrumentState.ISSUED and not notice.replies.exists()


def test_a_reply_not_adopted_needs_reasons_and_a_rejection_sends_it_back_with_a_new_deadline(cast, chief_x):
    notice = issued_notice(cast, chief_x)
    with pytest.raises(OversightError, match="not \\(fully\\) adopted"):
        instruments.reply_to_instrument(notice, user=cast.clerk_a, outcome=ReplyOutcome.NOT_ADOPTED, today=TODAY)
    instruments.reply_to_instrument(notice, user=cast.clerk_a, outcome=ReplyOutcome.NOT_ADOPTED,
                                    reasons="该记录不属于应当封存的范围，理由如下", today=TODAY + dt.timedelta(days=20))
    assert not notice.replies.get().on_time
    with pytest.raises(OversightError, match="new deadline"):
        instruments.reject_reply(notice, user=cast.supervisor_x, reason="理由不成立，应当依法封存",
                                 deadline=TODAY, today=TODAY + dt.timedelta(days=21))
    notice = instruments.reject_reply(notice, user=cast.supervisor_x, reason="理由不成立，应当依法封存",
                                      deadline=TODAY + dt.timedelta(days=40), today=TODAY + dt.timedelta(days=21))
    assert notice.state == InstrumentState.REJECTED and notice.deadline == TODAY + dt.timedelta(days=40)
    assert notice.replies.get().decision == ReplyDecision.REJECTED
    instruments.reply_to_instrument(notice, user=cast.clerk_a, outcome=ReplyOutcome.PARTLY,
                                    actions="已封存本院保存的部分记录", reasons="其余记录已经移送上级法院保存",
                                    today=TODAY + dt.timedelta(days=30))
    notice.refresh_from_db()
    assert notice.state == InstrumentState.REPLIED and notice.replies.count() == 2


def test_reminder_at_the_deadline_and_report_up_fifteen_days_later(cast, chief_x, city_procuratorate):
    city, city_sup = city_procuratorate
    notice = issued_notice(cast, chief_x)
    deadline = notice.deadline
    assert instruments.remind_and_escalate(as_of=deadline - dt.timedelta(days=4)) == counts()
    assert instruments.remind_and_escalate(as_of=deadline - dt.timedelta(days=3)) == counts(forewarned=1)
    assert instruments.remind_and_escalate(as_of=deadline - dt.timedelta(days=1)) == counts()
    assert instruments.remind_and_escalate(as_of=deadline) == counts(reminded=1)
    assert instruments.remind_and_escalate(as_of=deadline) == counts()
    assert instruments.remind_and_escalate(as_of=deadline + dt.timedelta(days=14)) == counts()
    assert instruments.remind_and_escalate(as_of=deadline + dt.timedelta(days=15)) == counts(escalated=1)
    notice.refresh_from_db()
    assert notice.forewarned_on == deadline - dt.timedelta(days=3)
    assert notice.reminded_on == deadline and notice.escalated_on == deadline + dt.timedelta(days=15)
    assert notice.escalated_to == city
    from oversight.permissions import can_see_instrument
    assert can_see_instrument(city_sup, notice)[0] and not can_see_instrument(cast.supervisor_y, notice)[0]
    assert reasons(notice)[-3:] == [instruments.REASON_FOREWARNED, instruments.REASON_REMINDED,
                                    instruments.REASON_ESCALATED]
    assert instruments.remind_and_escalate(as_of=deadline + dt.timedelta(days=60)) == counts()


def test_a_reply_after_the_reminder_stops_the_report_up(cast, chief_x):
    notice = issued_notice(cast, chief_x)
    instruments.remind_and_escalate(as_of=notice.deadline)
    instruments.reply_to_instrument(notice, user=cast.clerk_a, outcome=ReplyOutcome.ADOPTED,
                                    actions="已于督促后封存全部记录", today=notice.deadline + dt.timedelta(days=3))
    assert instruments.remind_and_escalate(as_of=notice.deadline + dt.timedelta(days=30))["escalated"] == 0


def test_review_answered_upheld_keeps_the_notice_and_withdrawn_ends_it(cast, chief_x):
    notice = issued_notice(cast, chief_x)
    with pytest.raises(OversightError):
        instruments.request_review(notice, user=cast.clerk_b, reason="认定事实有误，请求复查", today=TODAY)
    notice = instruments.request_review(notice, user=cast.clerk_a, reason="认定事实有误，请求复查", today=TODAY)
    assert notice.state == InstrumentState.REVIEW and notice.review_due == TODAY + dt.timedelta(days=7)
    with pytest.raises(OversightError):  # the agency replies or asks for review, not both at once
        instruments.reply_to_instrument(notice, user=cast.clerk_a, outcome=ReplyOutcome.ADOPTED,
                                        actions="已经纠正完毕并封存记录", today=TODAY)
    with pytest.raises(OversightError):
        instruments.answer_review(notice, user=cast.supervisor_y, outcome=ReviewOutcome.UPHELD,
                                  answer="经复查，原通知认定正确", today=TODAY)
    notice = instruments.answer_review(notice, user=cast.supervisor_x, outcome=ReviewOutcome.UPHELD,
                                       answer="经复查，原通知认定正确", today=TODAY + dt.timedelta(days=3))
    assert notice.state == InstrumentState.ISSUED and notice.review_outcome == ReviewOutcome.UPHELD
    with pytest.raises(OversightError, match="already requested"):
        instruments.request_review(notice, user=cast.clerk_a, reason="再次请求复查本通知", today=TODAY)

    other = issued_notice(cast, chief_x)
    instruments.request_review(other, user=cast.clerk_a, reason="认定事实有误，请求复查", today=TODAY)
    other = instruments.answer_review(other, user=cast.supervisor_x, outcome=ReviewOutcome.WITHDRAWN,
                                      answer="经复查，原通知认定有误，予以撤回", today=TODAY + dt.timedelta(days=2))
    assert other.state == InstrumentState.WITHDRAWN and other.closed_on == TODAY + dt.timedelta(days=2)
    # only the upheld notice is reminded, then reported up
    assert instruments.remind_and_escalate(as_of=TODAY + dt.timedelta(days=30)) == counts(reminded=1)
    assert instruments.remind_and_escalate(as_of=TODAY + dt.timedelta(days=45)) == counts(escalated=1)


def test_a_review_left_unanswered_past_seven_days_is_flagged_for_the_procuratorate_above(cast, chief_x,
                                                                                          city_procuratorate):
    _city, city_sup = city_procuratorate
    notice = issued_notice(cast, chief_x)
    notice = instruments.request_review(notice, user=cast.clerk_a, reason="认定事实有误，请求复查", today=TODAY)
    assert instruments.remind_and_escalate(as_of=TODAY + dt.timedelta(days=7)) == counts()  # the 7th day is in time
    assert instruments.remind_and_escalate(as_of=TODAY + dt.timedelta(days=8)) == counts(review_overdue=1)
    assert instruments.remind_and_escalate(as_of=TODAY + dt.timedelta(days=9)) == counts()
    notice.refresh_from_db()
    assert notice.review_overdue_on == TODAY + dt.timedelta(days=8)
    assert reasons(notice)[-1] == instruments.REASON_REVIEW_OVERDUE
    from oversight.permissions import can_see_instrument
    assert can_see_instrument(city_sup, notice)[0]
    # a review pending does not run the agency's reminders: its reply is not owed while the review lasts
    assert instruments.remind_and_escalate(as_of=notice.deadline + dt.timedelta(days=30)) == counts()
    notice = instruments.answer_review(notice, user=cast.supervisor_x, outcome=ReviewOutcome.WITHDRAWN,
                                       answer="经复查，原通知认定有误，予以撤回", today=TODAY + dt.timedelta(days=10))
    assert notice.state == InstrumentState.WITHDRAWN and notice.review_overdue_on == TODAY + dt.timedelta(days=8)


def test_a_new_deadline_after_a_rejected_reply_gets_its_own_reminders(cast, chief_x):
    notice = issued_notice(cast, chief_x)
    instruments.remind_and_escalate(as_of=notice.deadline - dt.timedelta(days=2))
    instruments.reply_to_instrument(notice, user=cast.clerk_a, outcome=ReplyOutcome.ADOPTED,
                                    actions="已封存本院保存的全部记录", today=notice.deadline - dt.timedelta(days=1))
    new_deadline = notice.deadline + dt.timedelta(days=20)
    notice = instruments.reject_reply(notice, user=cast.supervisor_x, reason="回复未附封存凭证，不能证明已经纠正",
                                      deadline=new_deadline, today=notice.deadline)
    assert notice.forewarned_on is None and notice.reminded_on is None
    assert instruments.remind_and_escalate(as_of=new_deadline - dt.timedelta(days=3)) == counts(forewarned=1)
    assert instruments.remind_and_escalate(as_of=new_deadline) == counts(reminded=1)


def test_no_reminder_before_the_deadline_when_the_policy_sets_none(cast, chief_x):
    from oversight.models import OversightPolicy
    from oversight.policy import current_oversight_policy

    current = current_oversight_policy()
    OversightPolicy.objects.create(version=current.version + 1, reminder_days_before=0,
                                   note="不再提前提醒")
    notice = issued_notice(cast, chief_x)
    assert instruments.remind_and_escalate(as_of=notice.deadline - dt.timedelta(days=1)) == counts()
    assert instruments.remind_and_escalate(as_of=notice.deadline) == counts(reminded=1)


def test_an_instrument_rests_only_on_findings_about_its_agency(cast, others):
    about_a = services.enter_complaint(user=cast.supervisor_x, source="hotline", agency=cast.agency_a,
                                       received_on=TODAY, description="群众反映法院未按期封存记录", today=TODAY)
    about_police = services.enter_complaint(user=cast.supervisor_x, source="hotline", agency=others.police_x,
                                            received_on=TODAY, description="群众反映公安未按期封存记录", today=TODAY)
    with pytest.raises(OversightError, match="must concern"):
        draft(cast, findings=[about_a, about_police])
    inst = draft(cast, findings=[about_a])
    assert list(inst.findings.all()) == [Finding.objects.get(pk=about_a.pk)]
    with pytest.raises(OversightError, match="does not supervise"):
        draft(cast, agency=cast.agency_b)
    with pytest.raises(OversightError):
        draft(cast, user=cast.clerk_a)
    assert Instrument.objects.count() == 1


def test_the_scheduled_task_takes_the_date_as_an_argument(cast, chief_x):
    from oversight.tasks import remind_and_escalate

    notice = issued_notice(cast, chief_x)
    assert remind_and_escalate(as_of=notice.deadline.isoformat()) == counts(reminded=1)


def test_three_oral_corrections_of_a_kind_within_a_year_propose_a_written_notice(cast, chief_x):
    def oral(day, rule=""):
        findings = []
        if rule:
            findings = [services.enter_complaint(user=cast.supervisor_x, source="hotline", agency=cast.agency_a,
                                                 received_on=day, description="群众反映法院未按期封存记录",
                                                 rule=rule, today=day)]
        inst = instruments.draft_instrument(user=cast.supervisor_x, kind=InstrumentKind.ORAL, agency=cast.agency_a,
                                            facts=FACTS, legal_basis=BASIS, correction_required=CORRECTION,
                                            findings=findings, now=at(day))
        return instruments.issue_instrument(inst, user=cast.supervisor_x, today=day)

    oral(dt.date(2025, 5, 1), "S-UNSEALED")  # more than a year before TODAY
    oral(dt.date(2025, 9, 1), "S-UNSEALED")
    oral(dt.date(2026, 1, 1), "S-UNSEALED")
    oral(dt.date(2026, 3, 1), "S-QUERY-LATE")
    everything = Instrument.objects.all()
    assert instruments.oral_repeats(everything, as_of=TODAY) == []
    oral(dt.date(2026, 5, 1), "S-UNSEALED")
    [proposal] = instruments.oral_repeats(everything, as_of=TODAY)
    assert proposal["agency"] == cast.agency_a and proposal["rule"] == "S-UNSEALED" and proposal["count"] == 3
    notice = issued_notice(cast, chief_x)  # the written notice follows: no proposal any more
    assert notice.issued_on == TODAY and instruments.oral_repeats(everything, as_of=TODAY) == []
