"""What a page shows for the rules' codes: labels in the user's language, never a code."""
from django.utils import translation

from sealing.presentation import missing_label, missing_labels


def test_every_missing_fact_the_rules_name_has_a_label():
    with translation.override("en"):
        assert missing_labels(["judgment_effective_date", "sentence.probation_months"]) == (
            "judgment or decision effective, probation months")
        assert missing_label("charges[1].statutory_max") == "the statutory maximum of charge 2"
        assert missing_label("something_new") == "another fact of the case"


def test_missing_facts_read_in_chinese():
    with translation.override("zh-hans"):
        assert missing_labels(["sentence_completed_date", "birth_date"]) == "刑罚执行完毕日期、出生日期"
        assert "statutory" not in missing_label("charges[0].statutory_max_months")


def test_a_persons_name_is_xingming_and_an_agencys_mingcheng_in_chinese():
    from accounts.models import Agency
    from sealing.forms import DefendantForm
    from sealing.models import Person

    with translation.override("zh-hans"):
        assert str(DefendantForm().fields["name"].label) == "姓名"
        assert str(Person._meta.get_field("name").verbose_name) == "姓名"
        assert str(Agency._meta.get_field("name").verbose_name) == "名称"
    with translation.override("en"):
        assert str(DefendantForm().fields["name"].label) == "name"
