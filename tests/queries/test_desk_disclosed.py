"""'Disclosed to me': the judicial officer's list of the sealed records disclosed to them under permits still
in force, each linking to the sealing app's record page (where every read is logged)."""
import datetime as dt

from django.urls import reverse
from django.utils import timezone

from queries import services
from sealing import services as sealing_services
from sealing.models import SealedRecordPermit
from tests.queries.test_query_desk import TODAY, prosecutor_of, sealed_juvenile_case, take_judicial

URL = reverse("queries:disclosed_to_me")


def permitted(cast):
    case, record = sealed_juvenile_case(cast)
    prosecutor = prosecutor_of(cast)
    query = take_judicial(cast, recipient=prosecutor)
    now = timezone.now()  # the page and the record page check permits against the clock
    services.decide_query(query, reviewer=cast.reviewer_a, decision="permit", disclosed_ids=[case.defendants.get().pk],
                          access_days=7, today=TODAY, now=now)
    return prosecutor, record, query, now


def test_the_permitted_officer_sees_the_records_disclosed_to_them(cast, login):
    prosecutor, record, query, _ = permitted(cast)
    page = login(prosecutor).get(URL).content.decode()
    assert reverse("sealing:record_detail", args=[record.pk]) in page
    assert query.serial in page and record.case.case_number in page
    assert record.content not in page  # the content is read on the record page, under the log


def test_nobody_else_sees_them(cast, login):
    _prosecutor, record, _query, _ = permitted(cast)
    for user in (cast.clerk_a, cast.reviewer_a, cast.supervisor_x):
        page = login(user).get(URL).content.decode()
        assert reverse("sealing:record_detail", args=[record.pk]) not in page


def test_expired_or_ended_permits_are_not_listed(cast, login):
    prosecutor, record, _query, now = permitted(cast)
    sealing_services.expire_permits(now=now + dt.timedelta(days=8))
    assert SealedRecordPermit.objects.filter(ended_at__isnull=False).exists()
    page = login(prosecutor).get(URL).content.decode()
    assert reverse("sealing:record_detail", args=[record.pk]) not in page


def test_a_permit_past_its_expiry_is_not_listed_even_before_the_sweep_ends_it(cast, login):
    prosecutor, record, _query, _ = permitted(cast)
    SealedRecordPermit.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    page = login(prosecutor).get(URL).content.decode()
    assert reverse("sealing:record_detail", args=[record.pk]) not in page
