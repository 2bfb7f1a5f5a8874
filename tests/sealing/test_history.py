"""Every write leaves a history row with the reason the service gave; detail pages show it."""
from django.urls import reverse

from sealing import services
from tests.cast import enter_case


def test_services_record_who_and_why(cast):
    case, record = enter_case(cast.clerk_a)
    services.update_record(user=cast.clerk_a, record=record, data={"title": "刑事判决书（更正）"})
    reasons = list(record.history.order_by("history_id").values_list("history_change_reason", "history_user"))
    assert reasons == [("record copy registered", cast.clerk_a.pk), ("record copy corrected", cast.clerk_a.pk)]
    assert case.history.get().history_change_reason == "case entered"
    defendant = case.defendants.get()
    assert defendant.history.last().history_change_reason == "defendant entered"


def test_detail_page_shows_history_without_protected_values(cast, login):
    case, record = enter_case(cast.clerk_a, content="机密内容甲")
    services.update_record(user=cast.clerk_a, record=record, data={"content": "机密内容乙"})
    page = login(cast.clerk_a).get(reverse("sealing:record_detail", args=[record.pk])).content.decode()
    assert "变更记录" in page and "更正" in page
    assert "机密内容甲" not in page  # the old value is not replayed in the history
    case_page = login(cast.clerk_a).get(reverse("sealing:case_detail", args=[case.pk])).content.decode()
    assert "case entered" not in case_page or "登记" in case_page


def test_edit_through_the_page_writes_history(cast, login):
    case, _ = enter_case(cast.clerk_a)
    client = login(cast.clerk_a)
    response = client.post(
        reverse("sealing:case_edit", args=[case.pk]),
        {"case_number": case.case_number, "offense_date": "2024-01-09", "offense_start_date": "", "summary": "补充"},
    )
    assert response.status_code == 302
    assert case.history.count() == 2 and case.history.first().summary == "补充"
