"""Q-INTAKE: the clerk who takes a request sees none of the person's records; the reviewer sees the sealed
ones only on a request that can lawfully disclose them (Q-JUD, Q-UNIT-RELEVANT), each view logged; a
certificate request shows the reviewer only whether an open conviction exists; the list says nothing."""
from django.urls import reverse

from sealing.models import AccessAction, AccessLog
from tests.queries.test_query_desk import (
    SUBJECT_ID,
    detail,
    open_conviction_case,
    related_case,
    sealed_juvenile_case,
    take,
    take_judicial,
)

HURT = "（2024）粤0104刑初1号"  # sealed, 故意伤害罪 (violence: relevant to MPL-62)
THEFT = "（2024）粤0104刑初2号"  # sealed, 盗窃罪 (not relevant)
NONPROS = "（2023）粤0104刑不诉3号"  # sealed non-prosecution (a related record)
ROBBERY = "（2025）粤0104刑初9号"  # open conviction


def the_persons_records(cast):
    sealed_juvenile_case(cast, number=HURT)
    sealed_juvenile_case(cast, charge="盗窃罪", number=THEFT)
    related_case(cast, number=NONPROS)
    open_conviction_case(cast, number=ROBBERY)


def reviewed():
    return AccessLog.objects.filter(action=AccessAction.REVIEWED)


def test_the_clerk_who_took_the_request_sees_no_record_and_no_recommendation(cast, login):
    the_persons_records(cast)
    query = take(cast)
    page = login(cast.clerk_a).get(detail(query)).content.decode()
    for marker in (HURT, THEFT, NONPROS, ROBBERY, "故意伤害罪", "抢劫罪", 'data-testid="found-records"',
                   'data-testid="trace"', 'data-testid="recommendation"', "Q-UNIT-RELEVANT"):
        assert marker not in page, marker
    assert not AccessLog.objects.exists()


def test_a_clerk_with_the_reviewer_role_sees_nothing_on_a_request_they_took(cast, login):
    the_persons_records(cast)
    cast.clerk_a.groups.add(*cast.reviewer_a.groups.all())
    query = take(cast)
    page = login(cast.clerk_a).get(detail(query)).content.decode()
    assert HURT not in page and 'data-testid="trace"' not in page and not AccessLog.objects.exists()


def test_reviewer_sees_sealed_convictions_on_a_unit_request_with_a_basis_and_each_view_is_logged(cast, login):
    the_persons_records(cast)
    query = take(cast)
    client = login(cast.reviewer_a)
    page = client.get(detail(query)).content.decode()
    assert HURT in page and THEFT in page  # the relevant one and those a departure might name
    assert NONPROS not in page  # J-NONPROS-SCOPE: never to a unit, so never a candidate
    assert ROBBERY in page  # open: not protected, the letter lists it (Q-UNIT-OPEN)
    rows = list(reviewed())
    assert len(rows) == 2 and {r.defendant.case.case_number for r in rows} == {HURT, THEFT}
    assert {r.user for r in rows} == {cast.reviewer_a} and {r.reference for r in rows} == {query.serial}
    client.get(detail(query))
    assert reviewed().count() == 4  # one row per record per page view


def test_reviewer_sees_every_sealed_record_on_a_judicial_permit_request(cast, login):
    the_persons_records(cast)
    query = take_judicial(cast)
    page = login(cast.reviewer_a).get(detail(query)).content.decode()
    assert HURT in page and THEFT in page and NONPROS in page
    assert reviewed().count() == 3


def test_reviewer_sees_no_sealed_record_where_none_may_be_disclosed(cast, login):
    the_persons_records(cast)
    no_basis = take(cast, legal_basis=None)
    general = take_judicial(cast, purpose="general_recidivism")
    for query in (no_basis, general):
        page = login(cast.reviewer_a).get(detail(query)).content.decode()
        assert 'data-testid="recommendation"' in page
        for marker in (HURT, THEFT, NONPROS, 'data-testid="found-records"'):
            assert marker not in page, (query.requester_kind, marker)
    assert not reviewed().exists()


def test_a_certificate_request_shows_the_reviewer_only_whether_an_open_conviction_exists(cast, login):
    sealed_juvenile_case(cast, number=HURT)
    query = take(cast, requester_kind="self", requester_name="少年戊", requester_id_number=SUBJECT_ID,
                 requester_organisation="", purpose="certificate", legal_basis=None)
    page = login(cast.reviewer_a).get(detail(query)).content.decode()
    assert 'data-testid="open-conviction" data-code="no"' in page
    assert HURT not in page and 'data-testid="found-records"' not in page
    open_conviction_case(cast, number=ROBBERY)
    page = login(cast.reviewer_a).get(detail(query)).content.decode()
    assert 'data-testid="open-conviction" data-code="yes"' in page
    assert HURT not in page and ROBBERY not in page
    assert not AccessLog.objects.exists()


def test_the_list_says_nothing_about_records(cast, login):
    the_persons_records(cast)
    take(cast)
    take_judicial(cast)
    for user in (cast.clerk_a, cast.reviewer_a):
        page = login(user).get(reverse("queries:request_list")).content.decode()
        for marker in (">permit<", ">answer_no_record<", HURT, ROBBERY, "故意伤害罪"):
            assert marker not in page, marker
    assert not AccessLog.objects.exists()


def test_submitting_a_decision_logs_the_disclosure_not_another_view(cast, login):
    from tests.queries.test_query_desk import undertake

    case, _ = sealed_juvenile_case(cast, number=HURT)
    query = take(cast)
    undertake(query, cast.clerk_a)
    client = login(cast.reviewer_a)
    client.get(detail(query))
    assert reviewed().count() == 1
    client.post(reverse("queries:request_decide", args=[query.pk]),
                {"decision": "permit", "disclosed": [case.defendants.get().pk], "reason": "", "confirm": "1"})
    query.refresh_from_db()
    assert query.status == "decided"
    assert reviewed().count() == 1
    assert AccessLog.objects.filter(action=AccessAction.DISCLOSED).count() == 1
