"""The charge catalogue the migration loads: real charges, each with its article and what the rules need."""
import pytest

from sealing.models import Charge


@pytest.fixture
def catalogue(db):
    return Charge.objects.all()


def test_at_least_the_150_most_common_charges(catalogue):
    assert catalogue.count() >= 150


def test_every_charge_cites_its_article(catalogue):
    for charge in catalogue:
        assert charge.article and charge.article_zh.startswith("第") and "刑法" in charge.source, charge.name
        assert charge.statutory_max, charge.name
        assert (charge.statutory_max == "fixed_term") == (charge.statutory_max_months is not None), charge.name


@pytest.mark.parametrize(
    "name, article, maximum, months",
    [
        ("危险驾驶罪", "133-1", "detention", None),
        ("代替考试罪", "284-1", "detention", None),
        ("盗窃罪", "264", "fixed_term", 36),
        ("交通肇事罪", "133", "fixed_term", 36),
        ("寻衅滋事罪", "293", "fixed_term", 60),
        ("故意杀人罪", "232", "death", None),
    ],
)
def test_known_charges(catalogue, name, article, maximum, months):
    charge = catalogue.get(name=name)
    assert (charge.article, charge.statutory_max, charge.statutory_max_months) == (article, maximum, months)


def test_flags_rules_need(catalogue):
    assert catalogue.get(name="交通肇事罪").negligent
    assert catalogue.get(name="走私、贩卖、运输、制造毒品罪").drug
    assert catalogue.get(name="组织、领导、参加黑社会性质组织罪").organized_crime
    assert catalogue.get(name="帮助恐怖活动罪").terrorism
    assert catalogue.filter(chapter=1).count() == catalogue.filter(national_security=True).count() > 0
    assert set(catalogue.filter(high_incidence=True).values_list("name", flat=True)) == {
        "盗窃罪", "诈骗罪", "帮助信息网络犯罪活动罪", "掩饰、隐瞒犯罪所得、犯罪所得收益罪", "故意伤害罪",
        "开设赌场罪", "寻衅滋事罪", "妨害公务罪",
    }


def test_catalogue_load_is_recorded_in_history(catalogue):
    charge = catalogue.get(name="危险驾驶罪")
    assert charge.history.count() == 1 and charge.history.get().history_change_reason == "catalogue loaded"


def test_catalogue_page_lists_charges(login, cast):
    page = login(cast.clerk_a).get("/cases/charges/", {"q": "危险驾驶"}).content.decode()
    assert "危险驾驶罪" in page and "第一百三十三条之一" in page and "盗窃罪" not in page
