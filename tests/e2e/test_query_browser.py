"""In the browser: an employer's request under 未成年人保护法 art. 62 is permitted and the letter downloaded;
the person's own request for a certificate yields the clean certificate."""
import datetime as dt

import pytest

from accounts.factories import DEMO_PASSWORD
from tests.cast import defendant_data, enter_case

pytestmark = pytest.mark.browser


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_employer_request_permitted_and_person_gets_clean_certificate(page, log_in, cast, transactional_db):
    from sealing.identity import make_id_number

    birth = dt.date(2007, 3, 1)
    id_number = make_id_number("440104", birth, 55)
    data = defendant_data(name="少年己", birth=birth, serial=55, charge="故意伤害罪", sentence_months=10,
                          judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))
    data["id_number"] = id_number
    case, _ = enter_case(cast.clerk_a, defendants=[data])

    # the clerk at the window takes the employer's request
    log_in("clerk_a", DEMO_PASSWORD)
    page.goto("/queries/new/")
    page.select_option("#id_requester_kind", "unit")
    page.fill("#id_requester_name", "人事处王老师")
    page.fill("#id_requester_organisation", "越秀区实验幼儿园")
    page.fill("#id_subject_name", "少年己")
    page.fill("#id_subject_id_number", id_number)
    page.select_option("#id_purpose", "employment_screening")
    page.select_option("#id_legal_basis", label="MPL-62 · 未成年人保护法第六十二条")
    page.fill("#id_occupation", "幼儿教师")
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=query-status]")
    assert "MPL-62" in page.inner_text("main") or "第六十二条" in page.inner_text("main")
    # Q-INTAKE: the clerk at the window sees neither the recommendation nor the person's records
    assert page.query_selector("[data-testid=trace]") is None and case.case_number not in page.inner_text("main")
    page.click("form[action='/logout/'] button")

    # the reviewer sees the recommendation, records the unit's undertaking and permits it
    log_in("reviewer_a", DEMO_PASSWORD)
    page.goto("/queries/")
    page.click("[data-testid=requests] tbody a")
    assert page.get_attribute("[data-testid=recommendation]", "data-code") == "permit"
    assert "Q-UNIT-RELEVANT" in page.inner_text("[data-testid=trace]")
    page.fill("[data-testid=undertaking-form] #id_signer_name", "王园长")
    page.fill("[data-testid=undertaking-form] #id_signed_on", "2026-01-05")
    page.fill("[data-testid=undertaking-form] #id_text", "本单位承诺仅将查询结果用于教职工录用审查，严格保密。")
    page.click("[data-testid=undertaking-form] button[type=submit]")
    page.wait_for_selector("[data-testid=undertaking] p")
    page.click("[data-testid=decision-form] button[type=submit]")
    page.click("[data-testid=confirm-decide]")  # the decision happens only once confirmed
    page.wait_for_selector("[data-testid=decision]")
    with page.expect_download() as download_info:
        page.click("[data-testid=download]")
    letter = pdf_text(open(download_info.value.path(), "rb").read())
    assert case.case_number in letter and "故意伤害罪" in letter
    page.click("form[action='/logout/'] button")

    # the person asks for a certificate: the clean one
    log_in("clerk_a", DEMO_PASSWORD)
    page.goto("/queries/new/")
    page.select_option("#id_requester_kind", "self")
    page.fill("#id_requester_name", "少年己")
    page.fill("#id_requester_id_number", id_number)
    page.fill("#id_subject_name", "少年己")
    page.fill("#id_subject_id_number", id_number)
    page.select_option("#id_purpose", "certificate")
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=query-status]")
    page.click("form[action='/logout/'] button")
    log_in("reviewer_a", DEMO_PASSWORD)
    page.goto("/queries/")
    page.click("[data-testid=requests] tbody a")
    assert page.get_attribute("[data-testid=recommendation]", "data-code") == "issue_certificate"
    page.click("[data-testid=decision-form] button[type=submit]")
    page.click("[data-testid=confirm-decide]")  # the decision happens only once confirmed
    with page.expect_download() as download_info:
        page.click("[data-testid=download]")
    certificate = pdf_text(open(download_info.value.path(), "rb").read())
    assert "无犯罪记录证明" in certificate and "少年己" in certificate and case.case_number not in certificate
