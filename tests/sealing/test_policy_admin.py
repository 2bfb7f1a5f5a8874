"""Publishing a sealing policy version: only a policy administrator at the provincial level does it; a reason
and an effective date are required; a version identical to the one in force is refused; the page counts the
files by status; the version in force on a date respects the effective dates."""
import datetime as dt

import pytest
from django.urls import reverse

from accounts.factories import AgencyFactory, RegionFactory, UserFactory
from accounts.models import Agency
from accounts.roles import POLICY_ADMIN
from sealing import permissions
from sealing.models import SealingFile, SealingPolicy
from sealing.policy import current_policy_version, policy_values
from tests.cast import enter_case

ADD = "admin:sealing_sealingpolicy_add"


@pytest.fixture
def province_admin(cast):
    province = RegionFactory(code="440000", name="广东省")
    agency = AgencyFactory(name="广东省高级人民法院", kind=Agency.Kind.COURT, region=province)
    return UserFactory(username="policy_gd", agency=agency, roles=[POLICY_ADMIN], is_staff=True)


@pytest.fixture
def district_admin(cast):
    return UserFactory(username="policy_yx", agency=cast.agency_a, roles=[POLICY_ADMIN], is_staff=True)


def form_data(**overrides):
    """The add form as it starts: the numbers of the version in force, plus a reason and a date."""
    values = policy_values(current_policy_version())
    data = {name: value for name, value in values.items()}
    data.update(note="观察期缩短至六个月（试点）", effective_from="2031-01-01")
    data.update(overrides)
    return {name: "" if value is None else value for name, value in data.items()}


def test_only_a_provincial_policy_administrator_publishes(cast, province_admin, district_admin):
    assert permissions.can_publish_policy(province_admin)[0]
    ok, reason = permissions.can_publish_policy(district_admin)
    assert not ok and "provincial" in reason
    assert not permissions.can_publish_policy(cast.clerk_a)[0]
    city_agency = AgencyFactory(name="广州市中级人民法院", kind=Agency.Kind.COURT,
                                region=cast.agency_a.region.parent)
    city_admin = UserFactory(username="policy_gz", agency=city_agency, roles=[POLICY_ADMIN], is_staff=True)
    assert not permissions.can_publish_policy(city_admin)[0]


def test_a_district_administrator_is_refused_with_a_message(district_admin, login):
    client = login(district_admin)
    before = SealingPolicy.objects.count()
    response = client.get(reverse(ADD), follow=True)
    assert response.redirect_chain and response.redirect_chain[-1][0] == reverse("admin:sealing_sealingpolicy_changelist")
    assert any("provincial" in str(m) or "省级" in str(m) for m in response.context["messages"])
    client.post(reverse(ADD), form_data(observation_micro_months=6))
    assert SealingPolicy.objects.count() == before


def test_an_identical_version_is_refused(province_admin, login):
    before = SealingPolicy.objects.count()
    response = login(province_admin).post(reverse(ADD), form_data())
    assert response.status_code == 200 and SealingPolicy.objects.count() == before
    page = response.content.decode()
    assert "Identical to the version in force: not saved." in page or "与现行版本相同，未保存" in page


@pytest.mark.parametrize("missing", ["note", "effective_from"])
def test_a_reason_and_an_effective_date_are_required(province_admin, login, missing):
    before = SealingPolicy.objects.count()
    response = login(province_admin).post(reverse(ADD), form_data(observation_micro_months=6, **{missing: ""}))
    assert response.status_code == 200 and SealingPolicy.objects.count() == before
    assert missing in response.context["adminform"].form.errors


def test_a_changed_version_is_published_with_its_reason_and_date(province_admin, login):
    response = login(province_admin).post(reverse(ADD), form_data(observation_micro_months=6))
    assert response.status_code == 302
    new = SealingPolicy.objects.order_by("-version").first()
    assert new.observation_micro_months == 6 and new.effective_from == dt.date(2031, 1, 1)
    assert new.created_by == province_admin and new.note.startswith("观察期")
    # in force from its date, not before
    assert current_policy_version(dt.date(2030, 12, 31)).pk != new.pk
    assert current_policy_version(dt.date(2031, 1, 1)).pk == new.pk


def test_the_add_page_counts_the_files_by_status(cast, province_admin, login):
    enter_case(cast.clerk_a)  # an adult robbery: not eligible
    enter_case(cast.clerk_a, number="（2024）粤0104刑初2号")
    assert SealingFile.objects.filter(status="not_eligible").count() == 2
    page = login(province_admin).get(reverse(ADD)).content.decode()
    assert 'data-testid="policy-status-counts"' in page
    row = page[page.index('data-status="not_eligible"'):]
    assert '<td class="count">2</td>' in row[:200]
    assert "what-if" in page or "推演" in page


def test_the_version_in_force_follows_the_effective_dates(cast):
    v1 = current_policy_version()
    v2 = SealingPolicy.objects.create(version=v1.version + 1, observation_micro_months=6, note="试点",
                                      effective_from=dt.date(2026, 7, 1))
    v3 = SealingPolicy.objects.create(version=v1.version + 2, observation_micro_months=9, note="调整",
                                      effective_from=dt.date(2031, 1, 1))
    assert current_policy_version(dt.date(2026, 6, 30)).pk == v1.pk
    assert current_policy_version(dt.date(2026, 7, 1)).pk == v2.pk
    assert current_policy_version(dt.date(2026, 12, 31)).pk == v2.pk
    assert current_policy_version(dt.date(2031, 1, 1)).pk == v3.pk
    assert current_policy_version().pk == v3.pk  # no date: the newest (the admin's starting point)


def test_a_version_cannot_take_effect_before_the_newest_one(province_admin, login):
    client = login(province_admin)
    assert client.post(reverse(ADD), form_data(observation_micro_months=6, effective_from="2031-03-01")).status_code == 302
    before = SealingPolicy.objects.count()
    response = client.post(reverse(ADD), form_data(observation_micro_months=9, effective_from="2031-02-01"))
    assert response.status_code == 200 and SealingPolicy.objects.count() == before
    assert "effective_from" in response.context["adminform"].form.errors
