"""A scan run's counts by rule, in the admin: each rule by its name and each count under its heading, never the
JSON of codes as stored."""
import datetime as dt

from django.urls import reverse
from django.utils import translation

from accounts.factories import UserFactory
from oversight.models import ScanRun


def test_the_counts_by_rule_read_as_a_table(db, client):
    run = ScanRun.objects.create(as_of=dt.date(2026, 6, 1), trigger="command",
                                 started_at=dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.timezone.utc),
                                 by_rule={"S-UNSEALED": {"created": 3, "open": 5, "closed": 1}})
    client.force_login(UserFactory(username="root", agency=None, roles=[], is_staff=True, is_superuser=True))
    with translation.override("zh-hans"):
        page = client.get(reverse("admin:oversight_scanrun_change", args=[run.pk]),
                          HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "S-UNSEALED" in page and "<td>3</td><td>5</td><td>1</td>" in page
    assert '"created"' not in page and "{&quot;" not in page
