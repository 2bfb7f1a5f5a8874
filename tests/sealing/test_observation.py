"""Observation over time: community-service hours count once a second clerk verifies them (A-CS), events are
corrected or withdrawn with a reason (A-EXTEND, A-REVOKE), and a move the file may not make is shown."""
import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.factories import UserFactory
from accounts.roles import CLERK
from sealing import observation, permissions, services
from sealing.models import CommunityServiceEntry, FileStatus, SealingPolicy
from tests.cast import TODAY, defendant_data, enter_case

# A micro crime (dangerous driving, detention served until 2026-03-01): twelve months' observation from
# 2026-03-01, provisionally sealed on TODAY, ending 2027-03-01 (RULES.md §1 periods).
ADULT_MICRO = dict(charge="危险驾驶罪", sentence_kind="detention", sentence_months=3,
                   judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2026, 3, 1))
JUVENILE = dict(birth=dt.date(2007, 3, 1), charge="盗窃罪", sentence_months=10,
                judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))
NOW = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.timezone.utc)  # 10:00 in Beijing on TODAY


@pytest.fixture
def second_clerk(cast):
    """Another clerk of agency A: the second pair of eyes A-CS asks for."""
    return UserFactory(username="clerk_a2", agency=cast.agency_a, roles=[CLERK])


@pytest.fixture
def clock(monkeypatch):
    """Views read the clock: set it to TODAY."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def micro_file(cast, **overrides):
    case, _record = enter_case(cast.clerk_a, defendants=[defendant_data(**{**ADULT_MICRO, **overrides})])
    return case.defendants.get().sealing_file


def enter(file, clerk, hours, *, served_from=dt.date(2026, 4, 1), served_to=dt.date(2026, 5, 31)):
    return observation.enter_service_hours(file.defendant, user=clerk, hours=hours, served_from=served_from,
                                           served_to=served_to, description="社区公益服务：街道清洁",
                                           document_number="越秀司社服〔2026〕12号", as_of=TODAY)


def refreshed(file):
    return type(file).objects.get(pk=file.pk)


# --- community service -----------------------------------------------------------------------------------

def test_hours_entered_by_one_clerk_count_only_once_a_second_clerk_verifies_them(cast, second_clerk):
    file = micro_file(cast)
    assert file.status == FileStatus.PROVISIONALLY_SEALED and file.observation_end == dt.date(2027, 3, 1)
    entry = enter(file, cast.clerk_a, 25)
    file = refreshed(file)
    assert file.defendant.community_service_hours == 0 and file.observation_end == dt.date(2027, 3, 1)
    assert "A-CS" not in [step["rule"] for step in file.decision["trace"]]

    outcome = observation.verify_service_hours(entry, user=second_clerk, as_of=TODAY, now=NOW)
    assert outcome.applied and outcome.refused is None
    file = refreshed(file)
    assert file.defendant.community_service_hours == 25
    assert file.observation_end == dt.date(2027, 1, 1)  # 25 hours: two whole months off twelve
    assert file.next_change == dt.date(2027, 1, 2)  # the day after the end: the sweep makes the seal final
    entry.refresh_from_db()
    assert entry.verified_by == second_clerk and entry.verified_at == NOW
    assert entry.history.latest("history_id").history_change_reason == "community service hours verified"
    assert file.history.first().history_change_reason == "re-evaluated after verified community service"


def test_the_clerk_who_entered_the_hours_cannot_verify_them(cast):
    file = micro_file(cast)
    entry = enter(file, cast.clerk_a, 25)
    assert permissions.can_verify_service_hours(cast.clerk_a, entry) == (
        False, "You entered these hours: a second clerk must verify them.")
    with pytest.raises(observation.ObservationError):
        observation.verify_service_hours(entry, user=cast.clerk_a, as_of=TODAY, now=NOW)
    entry.refresh_from_db()
    assert entry.verified_at is None and refreshed(file).defendant.community_service_hours == 0


@pytest.mark.parametrize("entries, counted, end", [
    pytest.param([9], 9, dt.date(2027, 3, 1), id="9_hours_earn_no_whole_month"),
    pytest.param([25], 25, dt.date(2027, 1, 1), id="25_hours_two_months"),
    pytest.param([20, 10], 30, dt.date(2026, 12, 1), id="two_entries_add_up_to_the_cap"),
    pytest.param([40], 40, dt.date(2026, 12, 1), id="40_hours_capped_at_a_quarter_three_months_not_four"),
    pytest.param([60, 60], 120, dt.date(2026, 12, 1), id="far_above_the_cap_still_three_months"),
])
def test_verified_hours_shorten_a_micro_period_at_most_by_a_quarter(cast, second_clerk, entries, counted, end):
    file = micro_file(cast)
    for hours in entries:
        observation.verify_service_hours(enter(file, cast.clerk_a, hours), user=second_clerk, as_of=TODAY, now=NOW)
    file = refreshed(file)
    assert file.defendant.community_service_hours == counted
    assert file.observation_end == end and file.next_change == end + dt.timedelta(days=1)
    assert file.status == FileStatus.PROVISIONALLY_SEALED
    step = next(step for step in file.decision["trace"] if step["rule"] == "A-CS")
    assert step["facts"]["cap_months"] == 3


def test_verified_hours_that_end_the_period_make_the_seal_final(cast, second_clerk):
    """Verified late: 40 hours end the period on 2026-12-01, so on 2026-12-15 the seal is final."""
    file = micro_file(cast)
    entry = enter(file, cast.clerk_a, 40)
    outcome = observation.verify_service_hours(entry, user=second_clerk, as_of=dt.date(2026, 12, 15), now=NOW)
    assert outcome.applied and outcome.file.status == FileStatus.SEALED
    assert outcome.file.observation_end == dt.date(2026, 12, 1)


def test_a_rejected_entry_never_counts(cast, second_clerk):
    file = micro_file(cast)
    rejected = enter(file, cast.clerk_a, 30)
    observation.reject_service_hours(rejected, user=second_clerk, reason="服务证明系伪造，服务单位未出具该证明", now=NOW)
    rejected.refresh_from_db()
    assert rejected.rejected_reason == "服务证明系伪造，服务单位未出具该证明" and rejected.verified_at is None
    with pytest.raises(observation.ObservationError):
        observation.verify_service_hours(rejected, user=second_clerk, as_of=TODAY, now=NOW)
    observation.verify_service_hours(enter(file, cast.clerk_a, 10), user=second_clerk, as_of=TODAY, now=NOW)
    file = refreshed(file)
    assert file.defendant.community_service_hours == 10 and file.observation_end == dt.date(2027, 2, 1)
    assert observation.verified_hours(file.defendant) == 10


def test_a_rejection_needs_a_reason_of_substance(cast, second_clerk):
    entry = enter(micro_file(cast), cast.clerk_a, 30)
    with pytest.raises(observation.ObservationError) as refused:
        observation.reject_service_hours(entry, user=second_clerk, reason="不对", now=NOW)
    assert refused.value.field == "reason"
    entry.refresh_from_db()
    assert entry.rejected_reason == ""


@pytest.mark.parametrize("hours, served_from, served_to, problem", [
    pytest.param(0, dt.date(2026, 4, 1), dt.date(2026, 4, 30), "hours_not_positive", id="no_hours"),
    pytest.param(10, dt.date(2026, 4, 30), dt.date(2026, 4, 1), "dates_out_of_order", id="ends_before_it_began"),
    pytest.param(10, dt.date(2026, 5, 30), dt.date(2026, 6, 2), "served_in_future", id="ends_after_today"),
    pytest.param(49, dt.date(2026, 4, 1), dt.date(2026, 4, 2), "hours_exceed_days", id="more_than_24_a_day"),
])
def test_implausible_hours_are_refused_naming_the_field(cast, hours, served_from, served_to, problem):
    file = micro_file(cast)
    assert observation.service_entry_problems(hours=hours, served_from=served_from, served_to=served_to,
                                              description="服务", as_of=TODAY) == [problem]
    with pytest.raises(observation.ObservationError) as refused:
        enter(file, cast.clerk_a, hours, served_from=served_from, served_to=served_to)
    assert refused.value.field == observation.PROBLEMS[problem][0]
    assert not CommunityServiceEntry.objects.exists()


def test_48_hours_in_two_days_is_the_most_that_is_accepted(cast):
    entry = enter(micro_file(cast), cast.clerk_a, 48, served_from=dt.date(2026, 4, 1), served_to=dt.date(2026, 4, 2))
    assert entry.hours == 48


def test_community_service_does_not_apply_to_a_juvenile_file(cast):
    case, _ = enter_case(cast.clerk_a, defendants=[defendant_data(**JUVENILE)])
    ok, reason = permissions.can_enter_service_hours(cast.clerk_a, case.defendants.get())
    assert not ok and "juvenile" in reason and "A-CS" in reason


def test_community_service_does_not_apply_when_the_policy_seals_at_once(cast):
    SealingPolicy.objects.create(version=2, mode="seal_immediately", note="即时封存")
    file = micro_file(cast)
    assert file.status == FileStatus.SEALED and file.observation_end is None
    ok, reason = permissions.can_enter_service_hours(cast.clerk_a, file.defendant)
    assert not ok and "seal_immediately" in reason and "A-CS does not apply" in reason
    with pytest.raises(observation.ObservationError):
        enter(file, cast.clerk_a, 20)


def test_community_service_is_entered_only_while_observation_runs(cast):
    case, _ = enter_case(cast.clerk_a)  # an adult's robbery, four years: not eligible
    ok, reason = permissions.can_enter_service_hours(cast.clerk_a, case.defendants.get())
    assert not ok and reason == "Community service hours are entered only while the observation period runs."


def test_only_the_handling_agency_enters_and_verifies_hours(cast):
    file = micro_file(cast)
    assert not permissions.can_enter_service_hours(cast.clerk_b, file.defendant)[0]
    assert not permissions.can_enter_service_hours(cast.reviewer_a, file.defendant)[0]
    entry = enter(file, cast.clerk_a, 20)
    assert not permissions.can_verify_service_hours(cast.clerk_b, entry)[0]
    assert not permissions.can_verify_service_hours(cast.reviewer_a, entry)[0]  # a reviewer decides queries


# --- events --------------------------------------------------------------------------------------------------

def record(file, kind, date, *, as_of):
    event, file = services.record_event(file.defendant, kind=kind, date=date, document_number="（2026）粤0104刑初6号",
                                        user=file.defendant.case.created_by, as_of=as_of)
    return event, file


def test_correcting_an_event_date_out_of_the_period_undoes_the_extension(cast):
    file = micro_file(cast)
    event, file = record(file, "negligent_crime", dt.date(2026, 9, 1), as_of=dt.date(2026, 9, 2))
    assert file.observation_end == dt.date(2027, 9, 1)  # extended by six months
    outcome = observation.correct_event(event, user=cast.clerk_a, kind="negligent_crime", date=dt.date(2026, 2, 1),
                                        document_number="（2026）粤0104刑初6号",
                                        reason="判决生效日期录入有误，应为2026年2月1日", as_of=dt.date(2026, 9, 2))
    assert outcome.applied and outcome.file.status == FileStatus.PROVISIONALLY_SEALED
    assert outcome.file.observation_end == dt.date(2027, 3, 1)
    assert outcome.file.next_change == dt.date(2027, 3, 2)
    extend = next(step for step in outcome.file.decision["trace"] if step["rule"] == "A-EXTEND")
    assert extend["outcome"] == "no_effect"  # before the start date: outside the period
    event.refresh_from_db()
    assert event.date == dt.date(2026, 2, 1)
    assert event.history.first().history_change_reason == "判决生效日期录入有误，应为2026年2月1日"


def test_correcting_an_events_kind_to_an_intentional_crime_revokes(cast):
    file = micro_file(cast)
    event, _ = record(file, "administrative_detention", dt.date(2026, 9, 1), as_of=dt.date(2026, 9, 2))
    outcome = observation.correct_event(event, user=cast.clerk_a, kind="intentional_crime", date=dt.date(2026, 9, 1),
                                        document_number="（2026）粤0104刑初6号", reason="经核实系故意犯罪判决而非治安拘留",
                                        as_of=dt.date(2026, 9, 2))
    assert outcome.applied and outcome.file.status == FileStatus.REVOKED


@pytest.mark.parametrize("changes, field", [
    pytest.param(dict(reason="录错了"), "reason", id="reason_too_short"),
    pytest.param(dict(date=dt.date(2026, 9, 3)), "date", id="date_after_as_of"),
    pytest.param(dict(document_number=" "), "document_number", id="no_document"),
    pytest.param(dict(date=dt.date(2026, 9, 1)), None, id="nothing_changed"),
])
def test_a_correction_needs_a_reason_and_a_real_change(cast, changes, field):
    file = micro_file(cast)
    event, _ = record(file, "negligent_crime", dt.date(2026, 9, 1), as_of=dt.date(2026, 9, 2))
    data = dict(kind="negligent_crime", date=dt.date(2026, 8, 1), document_number="（2026）粤0104刑初6号",
                reason="判决生效日期录入有误，已核对判决书") | changes
    with pytest.raises(observation.ObservationError) as refused:
        observation.correct_event(event, user=cast.clerk_a, as_of=dt.date(2026, 9, 2), **data)
    assert refused.value.field == field
    event.refresh_from_db()
    assert event.date == dt.date(2026, 9, 1)


def test_another_agency_cannot_correct_an_event(cast):
    file = micro_file(cast)
    event, _ = record(file, "negligent_crime", dt.date(2026, 9, 1), as_of=dt.date(2026, 9, 2))
    assert not permissions.can_correct_event(cast.clerk_b, event)[0]
    with pytest.raises(observation.ObservationError):
        observation.withdraw_event(event, user=cast.clerk_b, reason="该事件并非本人所为，录入错误", as_of=TODAY, now=NOW)


def test_withdrawing_an_extension_event_shortens_the_period_again(cast):
    file = micro_file(cast)
    event, _ = record(file, "administrative_detention", dt.date(2026, 9, 1), as_of=dt.date(2026, 9, 2))
    outcome = observation.withdraw_event(event, user=cast.clerk_a, reason="治安拘留决定已被依法撤销，应予撤回",
                                         as_of=dt.date(2026, 9, 2), now=NOW)
    assert outcome.applied and outcome.file.observation_end == dt.date(2027, 3, 1)
    event.refresh_from_db()
    assert event.withdrawn_at == NOW and event.withdrawn_reason == "治安拘留决定已被依法撤销，应予撤回"
    assert not permissions.can_correct_event(cast.clerk_a, event)[0]  # withdrawn once, for good


def test_withdrawing_the_crime_that_revoked_a_file_cannot_reopen_the_seal(cast):
    """A revoked file cannot move back (ALLOWED_TRANSITIONS): the refusal is reported, not swallowed."""
    file = micro_file(cast)
    event, file = record(file, "intentional_crime", dt.date(2026, 5, 20), as_of=TODAY)
    assert file.status == FileStatus.REVOKED
    outcome = observation.withdraw_event(event, user=cast.clerk_a, reason="该判决系他人案件，误录入本档案",
                                         as_of=TODAY, now=NOW)
    assert not outcome.applied
    assert outcome.refused == FileStatus.PROVISIONALLY_SEALED and outcome.file.status == FileStatus.REVOKED
    event.refresh_from_db()
    assert event.withdrawn_at == NOW  # the withdrawal itself stands: the event no longer counts
    assert refreshed(file).status == FileStatus.REVOKED


# --- pages ---------------------------------------------------------------------------------------------------

def quoted(status) -> str:
    """A status as the warning names it, in the language of the page (Simplified Chinese by default)."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"“{status.label}”"


def messages_of(response):
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def test_withdraw_page_warns_that_a_revoked_file_stays_revoked(cast, login, clock):
    file = micro_file(cast)
    event, file = record(file, "intentional_crime", dt.date(2026, 5, 20), as_of=TODAY)
    client = login(cast.clerk_a)
    url = reverse("sealing:event_withdraw", args=[event.pk])
    confirm = client.get(url).content.decode()
    assert 'data-testid="preview-refusal"' in confirm  # told before it is done
    response = client.post(url, {"reason": "该判决系他人案件，误录入本档案"}, follow=True)
    warnings = [text for level, text in messages_of(response) if level == "warning"]
    assert len(warnings) == 1
    assert quoted(FileStatus.PROVISIONALLY_SEALED) in warnings[0] and quoted(FileStatus.REVOKED) in warnings[0]
    assert warnings[0] in response.content.decode()
    assert refreshed(file).status == FileStatus.REVOKED


def test_recording_an_event_on_an_unsealed_file_shows_the_refused_move(cast, login, clock):
    case, _ = enter_case(cast.clerk_a, defendants=[defendant_data(**JUVENILE)])
    file = case.defendants.get().sealing_file
    services.unseal_file(file, ground="J-UNSEAL-RETRIAL", document="（2026）粤0104刑再1号", user=cast.clerk_a)
    client = login(cast.clerk_a)
    response = client.post(reverse("sealing:event_create", args=[file.pk]), {
        "kind": "administrative_detention", "date": "2026-05-01", "document_number": "穗公（越）行罚决字〔2026〕9号",
    }, follow=True)
    warnings = [text for level, text in messages_of(response) if level == "warning"]
    assert len(warnings) == 1 and quoted(FileStatus.UNSEALED) in warnings[0] and quoted(FileStatus.SEALED) in warnings[0]
    assert refreshed(file).status == FileStatus.UNSEALED


def test_entering_and_verifying_hours_through_the_pages(cast, login, clock, second_clerk):
    file = micro_file(cast)
    client = login(cast.clerk_a)
    page = client.get(reverse("sealing:file_detail", args=[file.pk])).content.decode()
    assert 'data-testid="enter-hours"' in page
    response = client.post(reverse("sealing:service_create", args=[file.pk]), {
        "hours": "40", "served_from": "2026-04-01", "served_to": "2026-05-31", "description": "社区公益服务：街道清洁",
        "document_number": "越秀司社服〔2026〕12号"})
    assert response.status_code == 302
    entry = CommunityServiceEntry.objects.get()
    page = client.get(reverse("sealing:file_detail", args=[file.pk])).content.decode()
    assert f'data-testid="verify-{entry.pk}"' not in page  # not to the clerk who entered it
    assert client.post(reverse("sealing:service_verify", args=[entry.pk])).status_code == 403

    other = login(second_clerk)
    page = other.get(reverse("sealing:file_detail", args=[file.pk])).content.decode()
    assert f'data-testid="verify-{entry.pk}"' in page
    confirm = other.get(reverse("sealing:service_verify", args=[entry.pk])).content.decode()
    assert 'data-testid="preview-end">2026-12-01<' in confirm  # what the rules will decide, before it is done
    response = other.post(reverse("sealing:service_verify", args=[entry.pk]), follow=True)
    assert [level for level, _text in messages_of(response)] == ["success"]
    assert refreshed(file).observation_end == dt.date(2026, 12, 1)


def test_the_entry_form_shows_the_problem_on_its_field(cast, login, clock):
    file = micro_file(cast)
    response = login(cast.clerk_a).post(reverse("sealing:service_create", args=[file.pk]), {
        "hours": "10", "served_from": "2026-05-31", "served_to": "2026-04-01", "description": "社区服务"})
    assert response.status_code == 200 and "served_to" in response.context["form"].errors
    assert not CommunityServiceEntry.objects.exists()


def test_rejecting_through_the_page(cast, login, clock, second_clerk):
    file = micro_file(cast)
    entry = enter(file, cast.clerk_a, 30)
    client = login(second_clerk)
    short = client.post(reverse("sealing:service_reject", args=[entry.pk]), {"reason": "不对"})
    assert short.status_code == 200 and "reason" in short.context["form"].errors
    client.post(reverse("sealing:service_reject", args=[entry.pk]), {"reason": "服务单位回函称未安排该次服务"})
    entry.refresh_from_db()
    assert entry.rejected_reason == "服务单位回函称未安排该次服务"
    assert refreshed(file).defendant.community_service_hours == 0


def test_correcting_an_event_shows_what_the_rules_will_decide_before_saving(cast, login, clock):
    file = micro_file(cast)
    event, file = record(file, "negligent_crime", dt.date(2026, 5, 1), as_of=TODAY)
    assert file.observation_end == dt.date(2027, 9, 1)
    client = login(cast.clerk_a)
    url = reverse("sealing:event_edit", args=[event.pk])
    data = {"kind": "negligent_crime", "date": "2026-02-01", "document_number": "（2026）粤0104刑初6号",
            "reason": "判决生效日期录入有误，应为2026年2月1日"}
    preview = client.post(url, data)
    assert preview.context["confirming"] and preview.context["preview"].observation_end == dt.date(2027, 3, 1)
    event.refresh_from_db()
    assert event.date == dt.date(2026, 5, 1)  # nothing saved before the confirmation
    response = client.post(url, data | {"confirm": "yes"}, follow=True)
    assert [level for level, _text in messages_of(response)] == ["success"]
    event.refresh_from_db()
    assert event.date == dt.date(2026, 2, 1) and refreshed(file).observation_end == dt.date(2027, 3, 1)


def test_the_defendant_form_no_longer_takes_verified_hours(cast, login, clock):
    file = micro_file(cast)
    page = login(cast.clerk_a).get(
        reverse("sealing:defendant_add", args=[file.defendant.case_id])).content.decode()
    assert 'name="community_service_hours"' not in page
    from sealing.forms import DefendantForm

    assert "community_service_hours" not in DefendantForm.base_fields
    assert "community_service_hours" not in services.DEFENDANT_FIELDS


def test_showing_a_hidden_files_event_for_correction_is_a_logged_read(cast, login, clock):
    from sealing.models import AccessLog

    file = micro_file(cast)
    event, file = record(file, "negligent_crime", dt.date(2026, 5, 1), as_of=TODAY)
    assert file.hidden  # provisionally sealed: the event's facts are sealed facts
    client = login(cast.clerk_a)
    before = AccessLog.objects.filter(user=cast.clerk_a, defendant=file.defendant).count()
    for name in ("sealing:event_edit", "sealing:event_withdraw"):
        assert client.get(reverse(name, args=[event.pk])).status_code == 200
    logged = AccessLog.objects.filter(user=cast.clerk_a, defendant=file.defendant).order_by("pk")
    assert logged.count() == before + 2
    assert {row.reference for row in logged[before:]} == {f"event {event.pk}"}
