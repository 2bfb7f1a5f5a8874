"""The admin's history pages (simple-history) name what changed but never show the values the app masks or keeps
out of its pages: a file's decision (its trace tells the sealed facts), a request's recommendation (it names the
records it would disclose), encrypted fields, the password hash (common.admin.HistoryAdmin)."""
import datetime as dt

from django.urls import reverse

from accounts.factories import UserFactory
from common.admin import hidden_history_fields
from queries.models import QueryRequest
from sealing.models import SealingFile
from tests.cast import defendant_data, enter_case

MARK = "审理查明少年于某日盗窃"


def test_the_decision_and_encrypted_fields_are_hidden_from_the_history_delta(cast, client):
    data = defendant_data(name="少年乙", birth=dt.date(2007, 3, 1), charge="盗窃罪", sentence_months=10,
                          judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))
    case, _record = enter_case(cast.clerk_a, defendants=[data])
    file = case.defendants.get().sealing_file
    file.decision = {**file.decision, "trace": [{"rule": "J-AGE", "message": MARK}]}
    file.facts_due = dt.date(2026, 7, 1)
    file.save()
    root = UserFactory(username="root", agency=None, roles=[], is_staff=True, is_superuser=True)
    client.force_login(root)
    page = client.get(reverse("admin:sealing_sealingfile_history", args=[file.pk])).content.decode()
    assert "2026" in page and MARK not in page  # the other change is listed, the trace is not
    assert "decision" in hidden_history_fields(SealingFile, ())


def test_what_is_hidden():
    hidden = hidden_history_fields(QueryRequest, ("named_records",))
    assert {"named_records", "recommendation", "subject_name", "subject_id_number", "requester_name"} <= hidden
    assert "status" not in hidden and "deadline" not in hidden
