"""Sweeps from the browser (issue 13): only an administrator sees the pages; a confirmed start creates the run
and hands it to the tasks after the commit (eager here); the run reaches 100 % with its counts; a file that
fails is listed with its reason while the rest completes; no page shows a hidden person's name."""
import datetime as dt

import pytest
from django.urls import reverse

from accounts.factories import UserFactory
from accounts.roles import POLICY_ADMIN, ensure_role_groups
from sealing import services, sweep_admin
from sealing.models import FileStatus, SealingFile, SentenceKind, SweepRun
from tests.cast import TODAY, defendant_data, enter_case

ENTERED = dt.date(2025, 6, 1)  # the files were decided then: provisionally sealed, observation under way
NAMES = ["欧阳明远", "司马青云", "诸葛晓岚"]


def _drunk_driver(name, serial, effective=dt.date(2025, 3, 1)):
    """An adult's micro crime (危险驾驶罪, fine only): provisionally sealed from the effective date, observed
    12 months, sealed for good the day after (2026-03-02 for 2025-03-01)."""
    return defendant_data(name=name, birth=dt.date(1990, 1, 1) + dt.timedelta(days=serial), charge="危险驾驶罪",
                          serial=serial, sentence_kind=SentenceKind.FINE_ONLY, sentence_months=None,
                          judgment_effective_date=effective)


@pytest.fixture
def due_files(cast):
    """Three files whose observation ended before TODAY: a sweep as of TODAY seals them."""
    files = []
    for n, name in enumerate(NAMES, start=1):
        case, _record = enter_case(cast.clerk_a, number=f"（2024）粤0104刑初{300 + n}号",
                                   defendants=[_drunk_driver(name, n)], offense_date=dt.date(2024, 11, 1),
                                   today=ENTERED)
        file = case.defendants.get().sealing_file
        assert file.status == FileStatus.PROVISIONALLY_SEALED and file.next_change == dt.date(2026, 3, 2)
        files.append(file)
    return files


@pytest.fixture
def admin_user(db):
    ensure_role_groups()
    return UserFactory(username="policy_admin", agency=None, roles=[POLICY_ADMIN], is_staff=True)


def _start(client, capture, as_of=TODAY, retro=False):
    data = {"as_of": as_of.isoformat(), "confirm": "1", **({"retro": "on"} if retro else {})}
    with capture(execute=True):
        return client.post(reverse("sealing:sweep_start"), data)


def _body(response):
    return response.content.decode()


# --- who sees the pages ------------------------------------------------------------------------------------

def test_a_clerk_is_refused_every_sweep_page(cast, login, admin_user):
    run = SweepRun.objects.create(as_of=TODAY, trigger=SweepRun.Trigger.SCHEDULE,
                                  started_at=dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.timezone.utc))
    client = login(cast.clerk_a)
    assert client.get(reverse("sealing:sweep_list")).status_code == 403
    assert client.get(reverse("sealing:sweep_detail", args=[run.pk])).status_code == 403
    assert client.get(reverse("sealing:sweep_progress", args=[run.pk]), HTTP_HX_REQUEST="true").status_code == 403
    response = client.post(reverse("sealing:sweep_start"), {"as_of": TODAY.isoformat(), "confirm": "1"})
    assert response.status_code == 403
    assert SweepRun.objects.count() == 1
    assert reverse("sealing:sweep_list") not in _body(client.get(reverse("home")))


def test_an_administrator_finds_the_sweeps_in_the_navigation(login, admin_user):
    home = _body(login(admin_user).get(reverse("home")))
    assert f'href="{reverse("sealing:sweep_list")}"' in home


def test_the_form_starts_as_of_today_in_beijing(login, admin_user, monkeypatch):
    from django.utils import timezone

    # 23:30 UTC on 31 May is already 1 June in Beijing
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 5, 31, 23, 30, tzinfo=dt.timezone.utc))
    response = login(admin_user).get(reverse("sealing:sweep_list"))
    assert response.status_code == 200
    assert response.context["form"].initial["as_of"] == TODAY
    assert 'value="2026-06-01"' in _body(response)


def test_starting_is_a_post(login, admin_user):
    assert login(admin_user).get(reverse("sealing:sweep_start")).status_code == 405


# --- the confirmation ---------------------------------------------------------------------------------------

def test_the_confirmation_names_what_the_run_takes_up_and_starts_nothing(login, admin_user, due_files):
    response = login(admin_user).post(reverse("sealing:sweep_start"), {"as_of": TODAY.isoformat()})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.due, preview.new_defendants, preview.retro_files, preview.total) == (3, 0, 0, 3)
    body = _body(response)
    assert "2026-06-01" in body and 'name="confirm" value="1"' in body
    assert "J-RETRO" not in response.content.decode().split('data-testid="sweep-confirmation"')[1].split("</div>")[0]
    assert not SweepRun.objects.exists()


def test_a_future_date_is_refused_with_a_reason(login, admin_user, due_files, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.timezone.utc))
    tomorrow = TODAY + dt.timedelta(days=1)
    response = login(admin_user).post(reverse("sealing:sweep_start"), {"as_of": tomorrow.isoformat(), "confirm": "1"})
    assert response.status_code == 400
    assert response.context["form"].errors["as_of"]
    assert not SweepRun.objects.exists()
    assert all(f.status == FileStatus.PROVISIONALLY_SEALED for f in SealingFile.objects.all())


def test_a_missing_date_is_refused(login, admin_user):
    response = login(admin_user).post(reverse("sealing:sweep_start"), {"as_of": "", "confirm": "1"})
    assert response.status_code == 400 and "as_of" in response.context["form"].errors
    assert not SweepRun.objects.exists()


# --- the run ------------------------------------------------------------------------------------------------

def test_an_administrators_sweep_reaches_100_percent_and_seals_what_is_due(
        login, admin_user, due_files, django_capture_on_commit_callbacks):
    client = login(admin_user)
    response = _start(client, django_capture_on_commit_callbacks)
    run = SweepRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("sealing:sweep_detail", args=[run.pk])
    assert (run.trigger, run.started_by, run.as_of, run.retro) == (SweepRun.Trigger.ADMIN, admin_user, TODAY, False)
    assert run.state == SweepRun.State.FINISHED and run.finished_at is not None
    assert (run.total, run.processed, run.percent) == (3, 3, 100)
    assert (run.changed, run.sealed, run.provisionally_sealed, run.failed) == (3, 3, 0, 0)
    assert set(SealingFile.objects.values_list("status", flat=True)) == {FileStatus.SEALED}

    page = client.get(response.url)
    body = _body(page)
    assert 'aria-valuenow="100"' in body and "100 %" in body
    assert 'data-count="sealed">3<' in body and 'data-count="failed">0<' in body
    assert "hx-trigger" not in body  # finished: the page stops polling
    listing = _body(client.get(reverse("sealing:sweep_list")))
    assert "2026-06-01" in listing and "3 / 3" in listing and admin_user.display_name in listing


def test_the_progress_partial_polls_while_the_run_is_running(login, admin_user):
    run = SweepRun.objects.create(as_of=TODAY, trigger=SweepRun.Trigger.ADMIN, started_by=admin_user, total=8,
                                  processed=2, chunks=4, chunks_done=1,
                                  started_at=dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.timezone.utc))
    client = login(admin_user)
    body = _body(client.get(reverse("sealing:sweep_progress", args=[run.pk]), HTTP_HX_REQUEST="true"))
    assert "<html" not in body  # the partial only
    assert 'hx-trigger="every 1s"' in body and reverse("sealing:sweep_progress", args=[run.pk]) in body
    assert 'aria-valuenow="25"' in body and "25 %" in body and 'data-count="total">8<' in body
    SweepRun.objects.filter(pk=run.pk).update(processed=8, chunks_done=4, state=SweepRun.State.FINISHED,
                                              finished_at=dt.datetime(2026, 6, 1, 1, 0, 9, tzinfo=dt.timezone.utc))
    body = _body(client.get(reverse("sealing:sweep_progress", args=[run.pk]), HTTP_HX_REQUEST="true"))
    assert "hx-trigger" not in body and 'aria-valuenow="100"' in body and "0:00:09" in body


def test_a_run_no_worker_took_up_says_so(login, admin_user):
    run = SweepRun.objects.create(as_of=TODAY, trigger=SweepRun.Trigger.ADMIN, started_by=admin_user,
                                  started_at=dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.timezone.utc))
    body = _body(login(admin_user).get(reverse("sealing:sweep_detail", args=[run.pk])))
    assert 'data-testid="stalled"' in body and 'hx-trigger="every 1s"' in body


def test_a_failing_file_is_listed_with_its_reason_and_the_rest_completes(
        login, admin_user, due_files, monkeypatch, django_capture_on_commit_callbacks):
    broken = due_files[1]
    evaluate_file = services.evaluate_file

    def failing(defendant, **kwargs):
        if defendant.pk == broken.defendant_id:
            raise RuntimeError("模拟故障：档案无法读取")
        return evaluate_file(defendant, **kwargs)

    monkeypatch.setattr(services, "evaluate_file", failing)
    client = login(admin_user)
    response = _start(client, django_capture_on_commit_callbacks)
    run = SweepRun.objects.get()
    assert run.state == SweepRun.State.FINISHED and run.percent == 100
    assert (run.processed, run.sealed, run.failed) == (3, 2, 1)
    failure = run.failures.get()
    assert failure.sealing_file == broken and "模拟故障：档案无法读取" in failure.message
    statuses = dict(SealingFile.objects.values_list("pk", "status"))
    assert statuses.pop(broken.pk) == FileStatus.PROVISIONALLY_SEALED
    assert set(statuses.values()) == {FileStatus.SEALED}

    body = _body(client.get(response.url))
    failures = body.split('data-testid="sweep-failures"')[1]
    assert broken.defendant.case.case_number in failures and "模拟故障：档案无法读取" in failures
    assert f"#{broken.pk}" in failures
    assert NAMES[1] not in body and "司**" in failures  # masked, never the name
    # the policy administrator belongs to no agency: the file's decision page is not theirs to open
    assert reverse("sealing:file_detail", args=[broken.pk]) not in failures


def test_a_superuser_follows_the_failure_to_the_file(login, admin_user, due_files, monkeypatch,
                                                    django_capture_on_commit_callbacks):
    root = UserFactory(username="root", agency=None, roles=[], is_staff=True, is_superuser=True)
    monkeypatch.setattr(services, "evaluate_file", lambda defendant, **kw: (_ for _ in ()).throw(ValueError("坏数据")))
    client = login(root)
    response = _start(client, django_capture_on_commit_callbacks)
    run = SweepRun.objects.get()
    assert (run.failed, run.processed, run.percent) == (3, 3, 100)
    body = _body(client.get(response.url))
    for file in due_files:
        assert reverse("sealing:file_detail", args=[file.pk]) in body
    assert not any(name in body for name in NAMES)


def test_no_sweep_page_shows_a_hidden_persons_name(login, admin_user, due_files, django_capture_on_commit_callbacks):
    client = login(admin_user)
    confirm = client.post(reverse("sealing:sweep_start"), {"as_of": TODAY.isoformat()})
    response = _start(client, django_capture_on_commit_callbacks)
    run = SweepRun.objects.get()
    pages = [confirm, client.get(reverse("sealing:sweep_list")), client.get(response.url),
             client.get(reverse("sealing:sweep_progress", args=[run.pk]), HTTP_HX_REQUEST="true")]
    for page in pages:
        assert page.status_code == 200
        body = _body(page)
        for file in due_files:
            person = file.defendant.person
            assert person.name not in body and person.id_number not in body


# --- J-RETRO ------------------------------------------------------------------------------------------------

def test_the_retro_box_adds_the_re_examination_of_cases_decided_before_2013(
        cast, login, admin_user, due_files, django_capture_on_commit_callbacks):
    # a robbery decided in 2010: open (not eligible), and re-examined by J-RETRO whenever it is asked for
    old = defendant_data(name="上官旧案", birth=dt.date(1985, 1, 1), serial=9, judgment_effective_date=dt.date(2010, 6, 1),
                         sentence_completed_date=dt.date(2014, 6, 1))
    case, _record = enter_case(cast.clerk_a, number="（2010）粤0104刑初9号", defendants=[old],
                               offense_date=dt.date(2009, 12, 1))
    assert case.defendants.get().sealing_file.status == FileStatus.NOT_ELIGIBLE
    client = login(admin_user)
    confirm = client.post(reverse("sealing:sweep_start"), {"as_of": TODAY.isoformat(), "retro": "on"})
    assert confirm.context["preview"].retro_files == 1 and confirm.context["preview"].total == 4
    assert 'name="retro" value="on"' in _body(confirm) and "J-RETRO" in _body(confirm)
    _start(client, django_capture_on_commit_callbacks, retro=True)
    run = SweepRun.objects.get()
    assert run.retro and (run.total, run.processed, run.sealed, run.percent) == (4, 4, 3, 100)
    assert "J-RETRO" in _body(client.get(reverse("sealing:sweep_list")))


def test_only_an_administrator_starts_a_sweep_through_the_service(cast):
    with pytest.raises(sweep_admin.SweepError):
        sweep_admin.start_admin_sweep(user=cast.clerk_a, as_of=TODAY, retro=False,
                                      now=dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.timezone.utc))
    assert not SweepRun.objects.exists()


# --- the admin ----------------------------------------------------------------------------------------------

def test_the_admin_shows_each_runs_summary_read_only_with_its_failures(
        login, admin_user, due_files, monkeypatch, django_capture_on_commit_callbacks):
    evaluate_file = services.evaluate_file

    def failing(defendant, **kwargs):
        if defendant.pk == due_files[0].defendant_id:
            raise RuntimeError("模拟故障")
        return evaluate_file(defendant, **kwargs)

    monkeypatch.setattr(services, "evaluate_file", failing)
    client = login(admin_user)
    _start(client, django_capture_on_commit_callbacks)
    run = SweepRun.objects.get()
    listing = client.get(reverse("admin:sealing_sweeprun_changelist"))
    assert listing.status_code == 200 and reverse("admin:sealing_sweeprun_change", args=[run.pk]) in _body(listing)
    change = client.get(reverse("admin:sealing_sweeprun_change", args=[run.pk]))
    body = _body(change)
    assert change.status_code == 200 and "模拟故障" in body and due_files[0].defendant.case.case_number in body
    assert NAMES[0] not in body
    assert 'name="_save"' not in body  # read-only
    assert client.get(reverse("admin:sealing_sweeprun_add")).status_code == 403


# --- the task queue unreachable --------------------------------------------------------------------------------

def test_a_sweep_started_while_the_queue_is_down_says_so_and_is_resumed_once_it_is_back(transactional_db, cast, login,
                                                                                         admin_user, due_files,
                                                                                         monkeypatch):
    """Committed for real (transactional): the run is handed to the queue when its transaction commits, before
    the view answers."""
    from kombu.exceptions import OperationalError as BrokerDown

    from sealing import tasks

    def down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    client = login(admin_user)
    monkeypatch.setattr(tasks.plan_sweep, "delay", down)
    response = client.post(reverse("sealing:sweep_start"), {"as_of": TODAY.isoformat(), "confirm": "1"})
    run = SweepRun.objects.get()
    assert response.status_code == 302 and run.state == SweepRun.State.RUNNING and run.chunks == 0
    page = client.get(response["Location"])
    assert page.status_code == 200 and "alert-warning" in _body(page)  # said at once, not after minutes
    assert client.get(reverse("sealing:sweep_list")).status_code == 200  # the rest of the app works
    monkeypatch.undo()
    # the queue is back: beat's resume task hands over the runs nobody planned, after five minutes only
    assert tasks.resume_runs() == 0
    SweepRun.objects.filter(pk=run.pk).update(started_at=run.started_at - dt.timedelta(minutes=6))
    assert tasks.resume_runs() == 1  # eager here: planned and run at once
    run.refresh_from_db()
    assert run.state == SweepRun.State.FINISHED and run.sealed == len(due_files)
    assert SealingFile.objects.filter(pk__in=[f.pk for f in due_files], status=FileStatus.SEALED).count() == 3
    assert tasks.resume_runs() == 0


def test_planning_a_run_twice_makes_its_chunks_once(cast, admin_user, due_files):
    from sealing import sweep

    run = SweepRun.objects.create(as_of=TODAY, trigger=SweepRun.Trigger.ADMIN, started_by=admin_user,
                                  started_at=dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.timezone.utc))
    stale = SweepRun.objects.get(pk=run.pk)  # what a second task read before the first planned
    first = sweep.plan_run(run)
    second = sweep.plan_run(stale)
    assert first.chunks == second.chunks == 1 and run.sweep_chunks.count() == 1
