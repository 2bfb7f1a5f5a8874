"""Sealing files: evaluation, each agency sealing its copies, unsealing, revocation, and the state machine."""
import datetime as dt

import pytest
from django.urls import reverse

from accounts.factories import UserFactory
from accounts.models import Agency
from accounts.roles import CLERK
from sealing import selectors, services
from sealing.models import FileStatus, IllegalTransition, RecordKind, SealingFile, SealingPolicy
from sealing.tasks import sweep_files
from tests.cast import TODAY, defendant_data, enter_case

JUVENILE = dict(birth=dt.date(2007, 3, 1), charge="盗窃罪", sentence_months=10,
                judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))
ADULT_MICRO = dict(charge="危险驾驶罪", sentence_kind="detention", sentence_months=3,
                   judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2026, 3, 1))


def juvenile_case(cast, number="（2024）粤0104刑初1号", **overrides):
    case, record = enter_case(cast.clerk_a, number=number, defendants=[defendant_data(**{**JUVENILE, **overrides})])
    return case.defendants.get().sealing_file, record


def police_copy(cast, case):
    police = Agency.objects.create(name="广州市公安局越秀区分局", kind=Agency.Kind.POLICE, region=cast.agency_a.region)
    clerk = UserFactory(username="police_clerk", agency=police, roles=[CLERK])
    record = services.create_record(user=clerk, case=case, data={
        "kind": RecordKind.CASE_FILE, "title": "侦查卷宗", "document_number": "", "defendant": case.defendants.get(),
        "content": "侦查卷宗内容"})
    return clerk, record


def test_entering_a_juvenile_case_decides_the_file(cast):
    file, _ = juvenile_case(cast)
    assert file.status == FileStatus.SEALED and file.regime == "juvenile"
    assert file.seal_date == dt.date(2024, 6, 1) and file.policy.version == 1
    assert "J-SENT" in [step["rule"] for step in file.decision["trace"]]
    assert file.history.first().history_change_reason == "evaluated"


def test_each_agency_seals_its_own_copies(cast):
    file, court_record = juvenile_case(cast)
    police_clerk, police_record = police_copy(cast, file.defendant.case)
    assert list(selectors.seal_queue(cast.clerk_a, TODAY)) == [file]
    assert services.seal_file(file, user=cast.clerk_a, today=TODAY) == 1
    court_record.refresh_from_db()
    assert court_record.seal.sealed_by == cast.clerk_a and court_record.seal.active
    assert not hasattr(police_record, "seal") or police_record.seal is None
    assert list(selectors.seal_queue(cast.clerk_a, TODAY)) == []
    assert list(selectors.seal_queue(police_clerk, TODAY)) == [file]
    with pytest.raises(services.SealingError):
        services.seal_file(file, user=cast.clerk_a, today=TODAY)  # nothing left to seal here


def test_not_eligible_file_cannot_be_sealed(cast):
    case, _ = enter_case(cast.clerk_a)  # adult robbery, four years
    file = case.defendants.get().sealing_file
    assert file.status == FileStatus.NOT_ELIGIBLE and file.seal_date is None
    with pytest.raises(services.SealingError):
        services.seal_file(file, user=cast.clerk_a, today=TODAY)


@pytest.mark.parametrize(
    "start, target",
    [
        (FileStatus.SEALED, FileStatus.PENDING),
        (FileStatus.SEALED, FileStatus.NOT_ELIGIBLE),
        (FileStatus.SEALED, FileStatus.PROVISIONALLY_SEALED),
        (FileStatus.PROVISIONALLY_SEALED, FileStatus.UNSEALED),
        (FileStatus.REVOKED, FileStatus.SEALED),
        (FileStatus.UNSEALED, FileStatus.SEALED),
        (FileStatus.OBSERVING, FileStatus.PENDING),
    ],
)
def test_illegal_transitions_raise(cast, start, target):
    file, _ = juvenile_case(cast)
    SealingFile.objects.filter(pk=file.pk).update(status=start)  # arrange the starting state
    file = SealingFile.objects.get(pk=file.pk)
    file.status = target
    with pytest.raises(IllegalTransition):
        file.save()
    assert SealingFile.objects.get(pk=file.pk).status == start


def test_admin_cannot_change_a_file(cast, client, django_user_model):
    file, _ = juvenile_case(cast)
    admin = django_user_model.objects.create_superuser("root", "", "pw-Root-2026")
    client.force_login(admin)
    url = reverse("admin:sealing_sealingfile_change", args=[file.pk])
    client.post(url, {"status": FileStatus.PENDING})
    assert SealingFile.objects.get(pk=file.pk).status == FileStatus.SEALED
    assert client.get(reverse("admin:sealing_sealingfile_add")).status_code == 403


def test_unsealing_needs_a_legal_ground_and_a_document(cast):
    file, record = juvenile_case(cast)
    services.seal_file(file, user=cast.clerk_a, today=TODAY)
    with pytest.raises(services.SealingError):
        services.unseal_file(file, ground="A-UNSEAL-RETRIAL", document="（2026）粤0104刑再1号", user=cast.clerk_a)
    with pytest.raises(services.SealingError):
        services.unseal_file(file, ground="J-UNSEAL-RETRIAL", document=" ", user=cast.clerk_a)
    with pytest.raises(services.SealingError):
        services.unseal_file(file, ground="J-UNSEAL-RETRIAL", document="（2026）粤0104刑再1号", user=cast.clerk_b)
    services.unseal_file(file, ground="J-UNSEAL-RETRIAL", document="（2026）粤0104刑再1号", user=cast.clerk_a)
    file.refresh_from_db()
    record.refresh_from_db()
    assert file.status == FileStatus.UNSEALED and file.unseal_document == "（2026）粤0104刑再1号"
    assert not record.seal.active and "J-UNSEAL-RETRIAL" in record.seal.lifted_reason
    assert not record.content_hidden


def test_unseal_page_refuses_a_file_that_is_not_sealed(cast, login):
    case, _ = enter_case(cast.clerk_a)
    file = case.defendants.get().sealing_file
    response = login(cast.clerk_a).post(reverse("sealing:file_unseal", args=[file.pk]),
                                        {"ground": "A-UNSEAL-RETRIAL", "document": "文书"})
    assert response.status_code == 403 and SealingFile.objects.get(pk=file.pk).status == FileStatus.NOT_ELIGIBLE


def test_new_intentional_crime_revokes_a_provisional_seal(cast):
    case, record = enter_case(cast.clerk_a, defendants=[defendant_data(**ADULT_MICRO)])
    file = case.defendants.get().sealing_file
    assert file.status == FileStatus.PROVISIONALLY_SEALED and file.observation_end == dt.date(2027, 3, 1)
    services.seal_file(file, user=cast.clerk_a, today=TODAY)
    _event, file = services.record_event(file.defendant, kind="intentional_crime", date=dt.date(2026, 9, 1),
                                         document_number="（2026）粤0104刑初5号", user=cast.clerk_a,
                                         as_of=dt.date(2026, 9, 2))
    record.refresh_from_db()
    assert file.status == FileStatus.REVOKED and not record.seal.active and not record.content_hidden
    assert any(step["rule"].startswith("A-REVOKE") for step in file.decision["trace"])


def test_negligent_crime_extends_observation(cast):
    case, _ = enter_case(cast.clerk_a, defendants=[defendant_data(**ADULT_MICRO)])
    _event, file = services.record_event(case.defendants.get(), kind="negligent_crime", date=dt.date(2026, 9, 1),
                                         document_number="（2026）粤0104刑初6号", user=cast.clerk_a,
                                         as_of=dt.date(2026, 9, 2))
    assert file.status == FileStatus.PROVISIONALLY_SEALED and file.observation_end == dt.date(2027, 9, 1)


def test_missing_completion_date_waits_in_the_exception_queue(cast, login):
    data = defendant_data(**{**ADULT_MICRO, "sentence_completed_date": None})
    case, _ = enter_case(cast.clerk_a, defendants=[data])
    file = case.defendants.get().sealing_file
    assert file.status == FileStatus.UNDETERMINED and file.eligible is None
    assert file.missing == ["sentence_completed_date"] and file.facts_due == TODAY + dt.timedelta(days=10)
    assert list(selectors.exception_queue(cast.clerk_a)) == [file]
    page = login(cast.clerk_a).get(reverse("sealing:work_queue"), {"tab": "facts"}).content.decode()
    # the missing fact by the form's label in the user's language, never the engine's code
    assert case.case_number in page and "刑罚执行完毕日期" in page and "sentence_completed_date" not in page
    detail = login(cast.clerk_a).get(reverse("sealing:file_detail", args=[file.pk])).content.decode()
    assert "刑罚执行完毕日期" in detail and "sentence_completed_date" not in detail
    services.update_defendant(user=cast.clerk_a, defendant=file.defendant,
                              data={**data, "sentence_completed_date": dt.date(2026, 3, 1)}, today=TODAY)
    file.refresh_from_db()
    assert file.status == FileStatus.PROVISIONALLY_SEALED and file.facts_due is None


def test_policy_change_does_not_rewrite_past_decisions(cast):
    case, _ = enter_case(cast.clerk_a, defendants=[defendant_data(**ADULT_MICRO)])
    file = case.defendants.get().sealing_file
    SealingPolicy.objects.create(version=2, observation_micro_months=6, note="shorter")
    sweep_files(as_of=TODAY.isoformat())
    file.refresh_from_db()
    assert file.policy.version == 1 and file.observation_end == dt.date(2027, 3, 1)
    file, applied = services.evaluate_file(file.defendant, as_of=dt.date(2026, 10, 1), adopt_current_policy=True,
                                           user=cast.clerk_a)
    assert applied and file.policy.version == 2 and file.observation_end == dt.date(2026, 9, 1)
    assert file.decision["policy_version"] == "v2" and file.status == FileStatus.SEALED


def test_daily_sweep_moves_pending_files_on(cast):
    case, _ = enter_case(cast.clerk_a, defendants=[defendant_data(**ADULT_MICRO)])
    defendant = case.defendants.get()
    SealingFile.objects.filter(defendant=defendant).delete()
    file, _ = services.evaluate_file(defendant, as_of=dt.date(2026, 1, 1))  # before the start date
    assert file.status == FileStatus.PENDING and file.next_change <= TODAY
    result = sweep_files(as_of=TODAY.isoformat())
    file.refresh_from_db()
    assert file.status == FileStatus.PROVISIONALLY_SEALED and result["selected"] == 1
    rows = file.history.count()
    assert sweep_files(as_of=TODAY.isoformat())["selected"] == 0  # a second run finds nothing due
    assert file.history.count() == rows


def test_retroactive_sweep_lists_pre_2013_juvenile_files(cast):
    old = dict(JUVENILE, birth=dt.date(1994, 3, 1), judgment_effective_date=dt.date(2011, 5, 1),
               sentence_completed_date=dt.date(2012, 3, 1))
    case, _ = enter_case(cast.clerk_a, number="（2011）粤0104刑初3号", defendants=[defendant_data(**old)],
                         offense_date=dt.date(2010, 9, 1))
    file = case.defendants.get().sealing_file
    assert file.status == FileStatus.SEALED
    assert any(step["rule"] == "J-RETRO" for step in file.decision["trace"])
    assert list(selectors.retroactive_sweep(cast.clerk_a)) == [file]
    services.seal_file(file, user=cast.clerk_a, today=TODAY)
    assert list(selectors.retroactive_sweep(cast.clerk_a)) == []


def test_adult_co_defendant_is_marked(cast, login):
    juvenile = defendant_data(name="少年甲", serial=2, **JUVENILE)
    adult = defendant_data(name="成年乙", serial=3)
    case, _ = enter_case(cast.clerk_a, defendants=[juvenile, adult])
    page = login(cast.clerk_a).get(reverse("sealing:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="j-cover"' in page and "成年乙" in page and "少年甲" not in page
    adult_file = case.defendants.get(person__birth_date=adult["birth_date"]).sealing_file
    juvenile_file = case.defendants.exclude(pk=adult_file.defendant_id).get().sealing_file
    client = login(cast.clerk_a)
    assert 'data-testid="j-cover"' in client.get(reverse("sealing:file_detail", args=[adult_file.pk])).content.decode()
    assert 'data-testid="j-cover"' not in client.get(
        reverse("sealing:file_detail", args=[juvenile_file.pk])).content.decode()


def test_seal_button_seals_through_the_page(cast, login):
    file, record = juvenile_case(cast)
    client = login(cast.clerk_a)
    response = client.post(reverse("sealing:file_seal", args=[file.pk]))
    assert response.status_code == 200 and 'data-testid="confirm-seal"' in response.content.decode()
    record.refresh_from_db()
    assert not hasattr(record, "seal")  # the first POST only asks for the confirmation
    response = client.post(reverse("sealing:file_seal", args=[file.pk]), {"confirm": "1"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.seal.active
    assert client.get(reverse("sealing:file_seal", args=[file.pk])).status_code == 405


def test_juvenile_copy_is_overdue_after_three_days(cast, login):
    file, _ = juvenile_case(cast)
    assert not file.is_overdue(file.seal_date + dt.timedelta(days=3))
    assert file.is_overdue(file.seal_date + dt.timedelta(days=4))
    page = login(cast.clerk_a).get(reverse("sealing:work_queue")).content.decode()
    assert 'class="table-danger"' in page


def test_the_case_list_shows_each_defendants_status_but_never_a_masked_ones(cast, login):
    """An adult robber (not eligible) and a juvenile co-defendant whose file is sealed: the list names the adult
    with his status; the juvenile is masked and shows no status, which would tell that his file is hidden."""
    case, _ = enter_case(cast.clerk_a, defendants=[defendant_data(name="成年甲", serial=1),
                                                   defendant_data(name="少年乙", serial=2, **JUVENILE)])
    statuses = {d.person.name: d.sealing_file.status for d in case.defendants.all()}
    assert statuses == {"成年甲": FileStatus.NOT_ELIGIBLE, "少年乙": FileStatus.SEALED}
    page = login(cast.clerk_a).get(reverse("sealing:case_list")).content.decode()
    cell = page.split('data-testid="defendants">')[1].split("</td>")[0]
    assert "成年甲" in cell and "不符合封存条件" in cell
    assert "少年乙" not in cell and "少**" in cell
    assert "已封存" not in cell and cell.count('class="badge') == 1
