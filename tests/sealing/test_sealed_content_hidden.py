"""A sealed record's content appears nowhere in the UI for users without a permit."""
import datetime as dt

import pytest
from django.urls import reverse

from accounts.factories import UserFactory
from accounts.roles import REVIEWER
from sealing import services
from tests.cast import TODAY, defendant_data, enter_case

SECRET = "少年丙于2023年5月在越秀区某商场盗窃手机一部"
NAME = "慕容少年"


@pytest.fixture
def sealed_case(cast):
    data = defendant_data(name=NAME, birth=dt.date(2007, 3, 1), charge="盗窃罪", sentence_months=10,
                          judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))
    case, record = enter_case(cast.clerk_a, defendants=[data], content=SECRET)
    file = case.defendants.get().sealing_file
    services.seal_file(file, user=cast.clerk_a, today=TODAY)
    return case, record, file


def pages(case, record, file):
    return [
        reverse("home"),
        reverse("sealing:case_list"),
        reverse("sealing:case_list") + f"?case_number={case.case_number}",
        reverse("sealing:case_detail", args=[case.pk]),
        reverse("sealing:record_list"),
        reverse("sealing:record_detail", args=[record.pk]),
        reverse("sealing:record_edit", args=[record.pk]),
        reverse("sealing:file_detail", args=[file.pk]),
        reverse("sealing:work_queue"),
        reverse("sealing:work_queue") + "?tab=retro",
        reverse("sealing:work_queue") + "?tab=facts",
        reverse("sealing:work_queue") + "?tab=hidden",
        reverse("sealing:defendant_edit", args=[case.pk, file.defendant_id]),
    ]


@pytest.mark.parametrize("who", ["clerk_a", "reviewer_a", "supervisor_x"])
def test_sealed_content_is_nowhere(sealed_case, cast, client, who):
    case, record, file = sealed_case
    client.force_login(getattr(cast, who))
    seen = 0
    for url in pages(case, record, file):
        response = client.get(url, follow=True)
        body = response.content.decode()
        assert SECRET not in body and SECRET[:10] not in body, (who, url)
        assert NAME not in body, (who, url)
        seen += response.status_code == 200
    assert seen >= 3  # the walk really looked at pages (not only 403/404s)


def test_the_file_shows_that_a_sealed_record_exists(sealed_case, cast, login):
    case, record, _file = sealed_case
    page = login(cast.clerk_a).get(reverse("sealing:record_detail", args=[record.pk])).content.decode()
    assert "封存" in page and SECRET not in page
    detail = login(cast.clerk_a).get(reverse("sealing:case_detail", args=[case.pk])).content.decode()
    assert "慕**" in detail


def test_content_was_visible_before_sealing(cast, login):
    case, record = enter_case(cast.clerk_a, content=SECRET)
    page = login(cast.clerk_a).get(reverse("sealing:record_detail", args=[record.pk])).content.decode()
    assert SECRET in page  # so the walk above can fail


def test_sealed_record_cannot_be_edited(sealed_case, cast, login):
    _case, record, _file = sealed_case
    client = login(cast.clerk_a)
    client.post(reverse("sealing:record_edit", args=[record.pk]),
                {"kind": "judgment", "title": "改", "content": "新内容"})
    record.refresh_from_db()
    assert record.content == SECRET and record.title == "刑事判决书"


def test_reviewer_of_another_agency_sees_nothing(sealed_case, cast, client):
    case, _record, _file = sealed_case
    other = UserFactory(username="reviewer_b", agency=cast.agency_b, roles=[REVIEWER])
    client.force_login(other)
    assert client.get(reverse("sealing:case_detail", args=[case.pk])).status_code == 404
