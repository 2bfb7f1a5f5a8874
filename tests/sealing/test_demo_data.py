from django.core.management import call_command

from accounts.models import Agency, User
from sealing.models import Case, Record


def test_seed_demo_loads_once(db):
    call_command("seed_demo", cases_per_district=4, stdout=open("/dev/null", "w"))
    counts = (Agency.objects.count(), User.objects.count(), Case.objects.count(), Record.objects.count())
    assert counts[0] == 8 and counts[1] == 41 and counts[2] == 8 and counts[3] > 8
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
