"""The leaks users found in the first slice, one test each (issue "Sealed means sealed")."""
import datetime as dt

import pytest
from django.urls import reverse

from accounts.factories import AgencyFactory, UserFactory
from accounts.models import Agency
from accounts.roles import CLERK, SUPERVISOR
from sealing import permissions, selectors, services
from sealing.models import FileStatus, RecordKind
from tests.cast import TODAY, defendant_data, enter_case

NAME = "欧阳少年"
JUVENILE = dict(birth=dt.date(2007, 3, 1), charge="盗窃罪", sentence_months=10,
                judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))


@pytest.fixture
def sealed(cast):
    case, record = enter_case(cast.clerk_a, defendants=[defendant_data(name=NAME, **JUVENILE)], content="判决书正文")
    file = case.defendants.get().sealing_file
    assert file.status == FileStatus.SEALED
    return case, record, file


def test_defendant_form_of_a_sealed_person_is_never_drawn(sealed, cast, login):
    case, _record, file = sealed
    person = file.defendant.person
    client = login(cast.clerk_a)
    response = client.get(reverse("sealing:defendant_edit", args=[case.pk, file.defendant_id]), follow=True)
    body = response.content.decode()
    assert NAME not in body and person.id_number not in body and "1990" not in body
    assert "解除封存" in body  # the clerk is told why: unseal first


def test_saving_the_defendant_form_does_not_change_a_sealed_file(sealed, cast, login):
    case, _record, file = sealed
    data = defendant_data(name="改名", **{**JUVENILE, "sentence_months": 70})
    post = {k: v for k, v in data.items() if v is not None and k != "charges"}
    post["charges"] = [c.pk for c in data["charges"]]
    login(cast.clerk_a).post(reverse("sealing:defendant_edit", args=[case.pk, file.defendant_id]), post)
    file.defendant.refresh_from_db()
    file.refresh_from_db()
    assert file.defendant.person.name == NAME and file.defendant.sentence_months == 10
    assert file.status == FileStatus.SEALED
    with pytest.raises(services.SealingError):
        services.update_defendant(user=cast.clerk_a, defendant=file.defendant, data=data, today=TODAY)


def test_case_facts_of_a_sealed_case_cannot_be_corrected(sealed, cast):
    case, _record, _file = sealed
    with pytest.raises(services.SealingError):
        services.update_case(user=cast.clerk_a, case=case, case_data={"summary": "改"}, today=TODAY)


def test_new_case_entry_does_not_rename_a_sealed_person(sealed, cast):
    _case, _record, file = sealed
    number = file.defendant.person.id_number
    other = defendant_data(name="另一个名字", birth=dt.date(2007, 3, 1), charge="抢劫罪", id_number=number)
    enter_case(cast.clerk_a, number="（2026）粤0104刑初8号", defendants=[other], offense_date=dt.date(2026, 1, 5))
    file.defendant.person.refresh_from_db()
    assert file.defendant.person.name == NAME


def test_record_form_lists_a_sealed_defendant_masked(sealed, cast, login):
    case, _record, _file = sealed
    body = login(cast.clerk_a).get(reverse("sealing:record_create", args=[case.pk])).content.decode()
    assert NAME not in body and "欧***" in body


def test_a_sealed_record_cannot_be_overwritten_through_the_service(sealed, cast):
    _case, record, _file = sealed
    with pytest.raises(services.SealingError):
        services.update_record(user=cast.clerk_a, record=record, data={"content": "新内容"})
    record.refresh_from_db()
    assert record.content == "判决书正文"


def test_only_procuratorate_supervisors_supervise(sealed, cast, login):
    case, _record, _file = sealed
    open_case, _ = enter_case(cast.clerk_a, number="（2024）粤0104刑初2号")
    other_court = AgencyFactory(name="广州铁路运输法院", kind=Agency.Kind.COURT, region=cast.agency_a.region)
    court_supervisor = UserFactory(username="court_sup", agency=other_court, roles=[SUPERVISOR])
    police = AgencyFactory(name="越秀区公安分局", kind=Agency.Kind.POLICE, region=cast.agency_a.region)
    police_supervisor = UserFactory(username="police_sup", agency=police, roles=[SUPERVISOR])
    for user in (court_supervisor, police_supervisor):
        assert not permissions.is_procuratorate_supervisor(user)
        assert login(user).get(reverse("sealing:case_detail", args=[open_case.pk])).status_code == 404
    assert permissions.is_procuratorate_supervisor(cast.supervisor_x)
    assert login(cast.supervisor_x).get(reverse("sealing:case_detail", args=[open_case.pk])).status_code == 200


def test_whole_case_record_shows_no_seal_button_it_cannot_keep(cast, login):
    """The copies a file covers are defined once: a whole-case record is covered only when every
    defendant is hidden, so the juvenile's file offers no seal of it while the adult's record is open."""
    juvenile = defendant_data(name="少年甲", serial=2, **JUVENILE)
    adult = defendant_data(name="成年乙", serial=3)
    case, own = enter_case(cast.clerk_a, defendants=[juvenile, adult])
    own.defendant = case.defendants.get(position=2)
    own.save()
    services.create_record(user=cast.clerk_a, case=case, data={
        "kind": RecordKind.CASE_FILE, "title": "案卷", "document_number": "", "defendant": None, "content": "全案"})
    file = case.defendants.get(position=1).sealing_file
    assert file.hidden
    assert services.open_copies_to_seal(file, cast.agency_a.pk) == []
    page = login(cast.clerk_a).get(reverse("sealing:file_detail", args=[file.pk])).content.decode()
    assert 'data-testid="seal-button"' not in page
    assert file not in selectors.seal_queue(cast.clerk_a, TODAY)


def test_j_cover_ends_when_the_juvenile_is_unsealed(cast, login):
    juvenile = defendant_data(name="少年甲", serial=2, **JUVENILE)
    adult = defendant_data(name="成年乙", serial=3)
    case, _ = enter_case(cast.clerk_a, defendants=[juvenile, adult])
    juvenile_file = case.defendants.get(position=1).sealing_file
    adult_file = case.defendants.get(position=2).sealing_file
    client = login(cast.clerk_a)
    assert 'data-testid="j-cover"' in client.get(reverse("sealing:file_detail", args=[adult_file.pk])).content.decode()
    services.unseal_file(juvenile_file, ground="J-UNSEAL-RETRIAL", document="（2026）粤0104刑再2号", user=cast.clerk_a)
    assert 'data-testid="j-cover"' not in client.get(
        reverse("sealing:file_detail", args=[adult_file.pk])).content.decode()
    assert 'data-testid="j-cover"' not in client.get(reverse("sealing:case_detail", args=[case.pk])).content.decode()


def test_the_handling_agency_reaches_its_sealed_files_through_the_work_queue(sealed, cast, login):
    case, _record, file = sealed
    assert list(selectors.hidden_files(cast.clerk_a)) == [file]
    assert list(selectors.hidden_files(cast.clerk_b)) == []
    page = login(cast.clerk_a).get(reverse("sealing:work_queue"), {"tab": "hidden"}).content.decode()
    assert case.case_number in page and NAME not in page and "欧***" in page


def test_holding_agency_clerk_seals_without_seeing_the_name(sealed, cast, login):
    case, _record, file = sealed
    police = AgencyFactory(name="越秀区公安分局", kind=Agency.Kind.POLICE, region=cast.agency_a.region)
    clerk = UserFactory(username="police_clerk", agency=police, roles=[CLERK])
    services.create_record(user=clerk, case=case, data={
        "kind": RecordKind.CASE_FILE, "title": "侦查卷宗", "document_number": "", "defendant": file.defendant,
        "content": "侦查"})
    client = login(clerk)
    page = client.get(reverse("sealing:work_queue")).content.decode()
    assert case.case_number in page and NAME not in page
    detail = client.get(reverse("sealing:file_detail", args=[file.pk])).content.decode()
    assert 'data-testid="seal-button"' in detail and NAME not in detail and "2007-03-01" not in detail
    assert services.seal_file(file, user=clerk, today=TODAY) == 1
