"""In the browser: a policy administrator starts a sweep (J-RETRO included), confirms what it will do, and
watches the progress bar climb to 100 % while the files are sealed; failures are listed per file.

The worker is played by the test itself: the view hands the run over after the commit, the test plans it
in small chunks and runs them one by one, and the page, polling every second, follows each step."""
import datetime as dt

import pytest

from accounts.factories import DEMO_PASSWORD, UserFactory
from accounts.roles import POLICY_ADMIN, ensure_role_groups
from sealing import services, sweep, sweep_admin
from sealing.models import FileStatus, SealingFile, SentenceKind, SweepRun
from tests.cast import TODAY, defendant_data, enter_case

pytestmark = pytest.mark.browser
NAMES = ["欧阳明远", "司马青云", "诸葛晓岚", "上官清风", "慕容子墨"]


def _due_files(clerk):
    """Adults fined for drunk driving, provisionally sealed in 2025, observation over on 2026-03-01."""
    files = []
    for n, name in enumerate(NAMES, start=1):
        data = defendant_data(name=name, birth=dt.date(1990, 1, n), charge="危险驾驶罪", serial=n,
                              sentence_kind=SentenceKind.FINE_ONLY, sentence_months=None,
                              judgment_effective_date=dt.date(2025, 3, 1))
        case, _record = enter_case(clerk, number=f"（2024）粤0104刑初{400 + n}号", defendants=[data],
                                   offense_date=dt.date(2024, 11, 1), today=dt.date(2025, 6, 1))
        files.append(case.defendants.get().sealing_file)
    assert {f.status for f in files} == {FileStatus.PROVISIONALLY_SEALED}
    return files


def _percent(page) -> str:
    return page.get_attribute("[data-testid=progress]", "aria-valuenow")


def _wait_for_percent(page, value: int):
    page.wait_for_function(
        "v => document.querySelector('[data-testid=progress]')?.getAttribute('aria-valuenow') === v", arg=str(value))


def test_an_administrator_watches_a_sweep_reach_100_percent(page, log_in, cast, transactional_db, monkeypatch):
    ensure_role_groups()
    UserFactory(username="policy_admin", agency=None, roles=[POLICY_ADMIN], is_staff=True)
    files = _due_files(cast.clerk_a)
    broken = files[2]
    evaluate_file = services.evaluate_file

    def evaluate_or_fail(defendant, **kwargs):
        if defendant.pk == broken.defendant_id:
            raise RuntimeError("档案数据损坏")
        return evaluate_file(defendant, **kwargs)

    monkeypatch.setattr(services, "evaluate_file", evaluate_or_fail)
    handed_over = []
    monkeypatch.setattr(sweep_admin, "_dispatch", handed_over.append)  # the worker is this test

    log_in("policy_admin", DEMO_PASSWORD)
    page.click("nav a[href='/cases/sweeps/']")
    assert page.input_value("input[name=as_of]")  # today's date, filled in
    page.fill("input[name=as_of]", TODAY.isoformat())
    page.check("input[name=retro]")
    page.click("[data-testid=sweep-review]")
    confirmation = page.inner_text("[data-testid=sweep-confirmation]")
    assert "5" in confirmation and "J-RETRO" in confirmation
    assert not SweepRun.objects.exists()  # nothing starts before the confirmation
    page.click("[data-testid=sweep-confirm]")

    page.wait_for_selector("[data-testid=progress]")
    assert _percent(page) == "0" and page.get_attribute("[data-testid=sweep-progress]", "data-state") == "running"
    run = SweepRun.objects.get()
    assert handed_over == [run.pk] and run.retro and run.started_by.username == "policy_admin"

    # the worker plans the run in chunks of two files and runs them one after the other
    run = sweep.plan_run(run, chunk_size=2)
    chunk_ids = list(run.sweep_chunks.order_by("number").values_list("pk", flat=True))
    assert (run.total, len(chunk_ids)) == (5, 3)
    sweep.run_chunk(chunk_ids[0])
    _wait_for_percent(page, 40)  # 2 of 5, seen by the page's own polling
    assert page.get_attribute("[data-testid=sweep-progress]", "data-state") == "running"
    for chunk_id in chunk_ids[1:]:
        sweep.run_chunk(chunk_id)
    _wait_for_percent(page, 100)

    assert page.get_attribute("[data-testid=sweep-progress]", "data-state") == "finished"
    assert page.get_attribute("[data-testid=sweep-progress]", "hx-trigger") is None  # polling stopped
    assert page.inner_text("[data-testid=progress-bar]").strip() == "100 %"
    assert page.inner_text("[data-count=sealed]") == "4"
    assert page.inner_text("[data-count=failed]") == "1"
    failures = page.inner_text("[data-testid=sweep-failures]")
    assert broken.defendant.case.case_number in failures and "档案数据损坏" in failures
    assert not any(name in page.content() for name in NAMES)

    statuses = dict(SealingFile.objects.values_list("pk", "status"))
    assert statuses.pop(broken.pk) == FileStatus.PROVISIONALLY_SEALED
    assert set(statuses.values()) == {FileStatus.SEALED}

    page.click("[data-testid=all-sweeps]")
    row = page.inner_text("[data-testid=sweep-runs] tbody tr")
    assert "2026-06-01" in row and "5 / 5" in row and "J-RETRO" in row
