"""The case form's charge picker: the catalogue is searched (never embedded once per defendant block), and the
chosen charges come back as chips after an error. The clock is fixed (tests.cast.TODAY), never today's date."""
import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sealing.models import Charge
from sealing.selectors import CHARGE_MATCHES
from tests.cast import TODAY, defendant_data, enter_case
from tests.sealing.test_case_entry import URL, defendant_fields, field_errors, nothing_saved, post_data

SEARCH = reverse("sealing:charge_search")


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The forms read the clock at their edge (timezone.localdate() reads timezone.now()): fixed here."""
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime.combine(TODAY, dt.time(10), tzinfo=dt.timezone.utc))


def pk(name):
    return Charge.objects.get(name=name).pk


def options(response):
    """(id, name) of each match in the search's partial."""
    return re.findall(r'data-charge-option="(\d+)" data-charge-name="([^"]+)"', response.content.decode())


def chips(response, prefix):
    """The charge ids a block shows as chips: its hidden inputs with a value (the chip template's has none)."""
    return [int(v) for v in re.findall(rf'<input type="hidden" name="{prefix}-charges" value="(\d+)">',
                                       response.content.decode())]


# --- the search ------------------------------------------------------------------------------------------

def test_search_by_name_lists_the_exact_charge_first(cast, login):
    found = options(login(cast.clerk_a).get(SEARCH, {"q": "盗窃"}))
    assert found[0] == (str(pk("盗窃罪")), "盗窃罪")
    assert len(found) == 7 and all("盗窃" in name for _id, name in found)


def test_search_by_article_finds_the_charge(cast, login):
    found = options(login(cast.clerk_a).get(SEARCH, {"q": "264"}))
    assert found == [(str(pk("盗窃罪")), "盗窃罪")]
    assert ("盗窃罪" in dict(options(login(cast.clerk_a).get(SEARCH, {"q": "第二百六十四条"}))).values())


def test_search_lists_a_short_list_not_the_catalogue(cast, login):
    assert Charge.objects.filter(name__contains="罪").count() > 400
    response = login(cast.clerk_a).get(SEARCH, {"q": "罪"})
    assert len(options(response)) == CHARGE_MATCHES == 20


@pytest.mark.parametrize("query", ["", "   ", "x" * 101])
def test_an_empty_or_overlong_search_lists_nothing(cast, login, query):
    response = login(cast.clerk_a).get(SEARCH, {"q": query})
    assert response.status_code == 200 and options(response) == [] and "role=\"option\"" not in response.content.decode()


def test_a_search_that_matches_nothing_says_so(cast, login):
    response = login(cast.clerk_a).get(SEARCH, {"q": "不存在的罪名"})
    assert options(response) == [] and 'aria-disabled="true"' in response.content.decode()


def test_search_needs_a_login(client, cast):
    response = client.get(SEARCH, {"q": "盗窃"})
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- the page ------------------------------------------------------------------------------------------------

def test_the_new_case_page_carries_no_catalogue(cast, login):
    body = login(cast.clerk_a).get(URL).content.decode()
    # the first block and the blank block's template each have a picker, and neither lists a charge
    assert body.count("data-charge-picker") == 2
    assert "盗窃罪" not in body and "危险驾驶罪" not in body and "data-charge-option=" not in body
    assert body.count("<option") < 60  # the disposition, sentence and yes/no lists only


def test_the_new_case_page_reads_no_catalogue_and_no_query_per_block(cast, login):
    client = login(cast.clerk_a)
    client.get(URL)  # warms the per-process caches

    def count(method, *args):
        with CaptureQueriesContext(connection) as captured:
            response = method(URL, *args)
        assert response.status_code == 200
        assert not [q for q in captured if 'FROM "sealing_charge"' in q["sql"] and "IN (" not in q["sql"]]
        return len(captured)

    blank = count(client.get)
    one, three = (count(client.post, post_data(defendants=n, case_number="x")) for n in (1, 3))
    assert three == one, f"{one} queries with one defendant, {three} with three: a query per block"
    # the layout's own reads, no more (the page reads nothing of the catalogue)
    assert blank == 13, blank


def test_chosen_charges_come_back_as_chips_after_an_error(cast, login):
    data = post_data(defendants=3, case_number="不是案号")  # the error is on the case, not on a defendant
    data["defendants-1-charges"] = [str(pk("盗窃罪")), str(pk("故意伤害罪"))]
    data["defendants-2-charges"] = [str(pk("危险驾驶罪"))]  # a block added with "add a defendant"
    data["defendants-1-sentence_kind"] = "detention"
    data["defendants-1-sentence_months"] = "12"
    response = login(cast.clerk_a).post(URL, data)
    assert response.status_code == 200 and nothing_saved()
    # in the catalogue's order (chapter, article): 故意伤害罪 (234) before 盗窃罪 (264)
    assert chips(response, "defendants-0") == [pk("盗窃罪")]
    assert chips(response, "defendants-1") == [pk("故意伤害罪"), pk("盗窃罪")]
    assert chips(response, "defendants-2") == [pk("危险驾驶罪")]
    body = response.content.decode()
    assert "危险驾驶罪</span>" in body and 'aria-label="移除 危险驾驶罪"' in body


def test_chips_come_back_when_the_block_itself_has_an_error(cast, login):
    data = post_data(defendants=2)
    data["defendants-1-id_number"] = "440104199903151235"  # wrong check digit
    data["defendants-1-charges"] = [str(pk("抢劫罪"))]
    response = login(cast.clerk_a).post(URL, data)
    assert field_errors(response, 1)["id_number"]
    assert chips(response, "defendants-1") == [pk("抢劫罪")]


def test_an_unknown_charge_is_an_error_and_no_chip(cast, login):
    data = post_data()
    data["defendants-0-charges"] = ["999999", str(2 ** 70)]
    response = login(cast.clerk_a).post(URL, data)
    assert field_errors(response, 0)["charges"] and chips(response, "defendants-0") == []
    assert nothing_saved()


def test_a_block_without_charges_says_so_on_the_picker(cast, login):
    data = post_data()
    data["defendants-0-charges"] = []
    response = login(cast.clerk_a).post(URL, data)
    assert field_errors(response, 0)["charges"]
    assert 'id="id_defendants-0-charges" name="defendants-0-charges_typed" value="" maxlength="200" ' \
        'class="form-control form-control-sm is-invalid"' in response.content.decode()


# --- charges typed in full (no JavaScript, or saved before choosing from the list) --------------------------

def test_the_box_searches_under_its_own_name(cast, login):
    found = options(login(cast.clerk_a).get(SEARCH, {"defendants-1-charges_typed": "264"}))
    assert found == [(str(pk("盗窃罪")), "盗窃罪")]


def test_charges_typed_in_full_are_chosen_when_the_case_is_saved(cast, login):
    data = post_data()
    data["defendants-0-charges"] = []
    data["defendants-0-charges_typed"] = "盗窃、 234"  # a name without 罪, an article
    response = login(cast.clerk_a).post(URL, data)
    assert response.status_code == 302, field_errors(response, 0)
    from sealing.models import Defendant

    names = set(Defendant.objects.get().charges.values_list("name", flat=True))
    assert names == {"盗窃罪", "故意伤害罪"}


def test_a_typed_name_that_names_no_single_charge_is_an_error_and_the_chosen_ones_stay(cast, login):
    data = post_data()
    data["defendants-0-charges"] = [str(pk("抢劫罪"))]
    data["defendants-0-charges_typed"] = "盗窃罪，罪"  # one charge, then a word in hundreds of names
    response = login(cast.clerk_a).post(URL, data)
    errors = field_errors(response, 0)["charges"]
    assert len(errors) == 1 and "“罪”" in errors[0]
    assert sorted(chips(response, "defendants-0")) == sorted([pk("抢劫罪"), pk("盗窃罪")])
    assert 'value="盗窃罪，罪"' in response.content.decode()  # what was typed is kept to be corrected
    assert nothing_saved()


def test_the_edit_page_shows_the_defendants_charges_as_chips(cast, login):
    case, _record = enter_case(cast.clerk_a, defendants=[defendant_data(charge="抢劫罪")])
    defendant = case.defendants.get()
    response = login(cast.clerk_a).get(reverse("sealing:defendant_edit", args=[case.pk, defendant.pk]))
    assert chips(response, "") == [] and re.findall(r'name="charges" value="(\d+)"', response.content.decode()) \
        == [str(pk("抢劫罪"))]


def test_the_edit_page_keeps_a_changed_choice(cast, login):
    case, _record = enter_case(cast.clerk_a, defendants=[defendant_data(charge="抢劫罪")])
    defendant = case.defendants.get()
    url = reverse("sealing:defendant_edit", args=[case.pk, defendant.pk])
    data = {key.removeprefix("defendants-0-"): value for key, value in defendant_fields(0).items()}
    data.update(charges=[str(pk("盗窃罪")), str(pk("抢劫罪"))], name="")  # the name missing: an error
    response = login(cast.clerk_a).post(url, data)
    assert response.status_code == 200 and response.context["form"].errors["name"]
    shown = re.findall(r'name="charges" value="(\d+)"', response.content.decode())
    assert sorted(map(int, shown)) == sorted([pk("盗窃罪"), pk("抢劫罪")])
