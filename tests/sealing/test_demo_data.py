import datetime as dt

from django.core.management import call_command

from accounts.models import Agency, User
from sealing.models import Case, Record


def test_seed_demo_loads_once(db):
    call_command("seed_demo", cases_per_district=4, stdout=open("/dev/null", "w"))
    counts = (Agency.objects.count(), User.objects.count(), Case.objects.count(), Record.objects.count())
    assert counts[0] == 9 and counts[1] == 42 and counts[2] == 10 and counts[3] > 10
    call_command("seed_demo", cases_per_district=4, stdout=open("/dev/null", "w"))
    assert (Agency.objects.count(), User.objects.count(), Case.objects.count(), Record.objects.count()) == counts


def test_demo_has_juveniles_adults_and_joint_cases(db):
    call_command("seed_demo", cases_per_district=40, stdout=open("/dev/null", "w"))
    ages = []
    for case in Case.objects.prefetch_related("defendants__person"):
        for d in case.defendants.all():
            ages.append((case.offense_date - d.person.birth_date).days // 365)
    assert any(a < 18 for a in ages) and any(a >= 18 for a in ages)
    assert any(c.defendants.count() > 1 for c in Case.objects.all())
    kinds = set(User.objects.get(username="yuexiu_court_clerk").groups.values_list("name", flat=True))
    assert kinds == {"clerk"}


def test_the_demo_leaves_an_observation_for_the_scheduler_to_end(db):
    """`make run`: a provisionally sealed file whose observation ends on the loading day is sealed for good by
    the next night's sweep (selected by next_change), another the night after; the loader's own sweep has
    left the holding agencies sealing notices to acknowledge."""
    from sealing import demo, sweep
    from sealing.models import FileStatus, SealingFile, SealingNotice, SweepRun

    from tests.cast import TODAY

    demo.load(cases_per_district=4, today=TODAY)
    ending_today = SealingFile.objects.get(observation_end=TODAY, status=FileStatus.PROVISIONALLY_SEALED)
    ending_tomorrow = SealingFile.objects.get(observation_end=TODAY + dt.timedelta(days=1),
                                              status=FileStatus.PROVISIONALLY_SEALED)
    assert ending_today.regime == "adult" and ending_today.category == "micro"
    assert ending_today.next_change == TODAY + dt.timedelta(days=1)

    loaded = SweepRun.objects.get()
    assert (loaded.as_of, loaded.state, loaded.failed) == (TODAY, SweepRun.State.FINISHED, 0)
    notices = SealingNotice.objects.filter(withdrawn_at__isnull=True)
    assert notices.filter(to_agency__kind=Agency.Kind.POLICE).exists()
    police_clerk = User.objects.get(username="yuexiu_police_clerk")
    assert notices.filter(to_agency=police_clerk.agency, sealing_file=ending_today).exists()
    assert sweep.run_inline(as_of=TODAY)["changed"] == 0  # the loader's sweep left nothing due today

    tomorrow = sweep.run_inline(as_of=TODAY + dt.timedelta(days=1))
    assert (tomorrow["selected"], tomorrow["sealed"], tomorrow["failed"]) == (1, 1, 0)
    ending_today.refresh_from_db()
    ending_tomorrow.refresh_from_db()
    assert ending_today.status == FileStatus.SEALED
    assert ending_tomorrow.status == FileStatus.PROVISIONALLY_SEALED

    after = sweep.run_inline(as_of=TODAY + dt.timedelta(days=2))
    assert (after["selected"], after["sealed"]) == (1, 1)
    ending_tomorrow.refresh_from_db()
    assert ending_tomorrow.status == FileStatus.SEALED


def test_the_demo_can_end_an_observation_on_any_day(db):
    """29 February included, which no 12-month period reaches: the demo loads whatever the day."""
    from sealing.demo import observation_facts
    from sealing.models import Charge, Disposition
    from sealing.policy import current_policy_version
    from sealing.rules import evaluate
    from sealing.rules.facts import CaseFacts, Sentence
    from sealing.services import charge_info

    version = current_policy_version()
    charge = charge_info(Charge.objects.get(name="危险驾驶罪"))
    day = dt.date(2027, 1, 1)
    while day < dt.date(2029, 1, 1):
        facts = observation_facts(day, version)
        case = CaseFacts(id="demo", birth_date=dt.date(1980, 1, 1), offense_date=dt.date(2020, 1, 1),
                         charges=(charge,), disposition=Disposition.SENTENCED,
                         sentence=Sentence(kind=facts["sentence_kind"], months=facts["sentence_months"]),
                         judgment_effective_date=facts["judgment_effective_date"],
                         sentence_completed_date=facts["sentence_completed_date"],
                         circumstances=frozenset({"plea", *(["good_conduct"] if facts["good_conduct"] else [])}))
        decision = evaluate(case, version.to_policy(), day)
        assert (decision.status, decision.observation_end) == ("provisionally_sealed", day), day
        day += dt.timedelta(days=1)


def test_the_demo_has_one_policy_administrator_who_may_publish(db):
    """The demo's district administrators are refused publishing (the policy governs the province); the
    provincial procuratorate's may publish, so the policy page can be tried in the demo."""
    from sealing.demo import PROVINCIAL_POLICY_ADMIN
    from sealing.permissions import can_publish_policy

    call_command("seed_demo", cases_per_district=1, stdout=open("/dev/null", "w"))
    assert can_publish_policy(User.objects.get(username=PROVINCIAL_POLICY_ADMIN))[0]
    assert not can_publish_policy(User.objects.get(username="yuexiu_court_policy_admin"))[0]
