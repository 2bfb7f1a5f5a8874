"""The lists' shared mechanics (common/listing.py): the sort parameter read against a whitelist, the headers'
links and arrows."""
from __future__ import annotations

from django.http import QueryDict

from common.listing import SortKey, Sorting, filters_named

KEYS = (SortKey("case_number", "case number", ("case_number", "pk")),
        SortKey("created_at", "entered at", ("-created_at", "-pk")))


def sorting(query: str, **kwargs) -> Sorting:
    return Sorting(QueryDict(query), KEYS, **kwargs)


def test_a_whitelisted_key_sorts_ascending_and_with_a_minus_descending():
    assert sorting("sort=case_number").fields() == ["case_number", "pk"]
    assert sorting("sort=-case_number").fields() == ["-case_number", "-pk"]
    assert sorting("sort=-created_at").fields() == ["created_at", "pk"]  # a descending key turned round


def test_an_unknown_or_malformed_sort_falls_back_to_the_default_order():
    for query in ("", "sort=defendants__person__name", "sort=--case_number", "sort=-", "sort=%00", "sort=pk"):
        s = sorting(query)
        assert s.value == "" and s.fields() == [] and not s.descending, query


def test_the_default_order_is_left_to_the_list():
    class Untouched:
        def order_by(self, *fields):  # pragma: no cover - must not be called
            raise AssertionError("the default order was replaced")

    queryset = Untouched()
    assert sorting("sort=name").apply(queryset) is queryset


def test_a_header_turns_the_order_round_and_shows_it():
    headers = sorting("sort=case_number").headers
    assert headers["case_number"].active and not headers["case_number"].descending
    assert headers["case_number"].next == "-case_number"
    assert not headers["created_at"].active and headers["created_at"].next == "created_at"
    headers = sorting("sort=-case_number").headers
    assert headers["case_number"].descending and headers["case_number"].next == "case_number"


def test_a_list_whose_own_order_is_a_key_names_it_by_default():
    s = sorting("", default="-created_at")
    assert s.value == "-created_at" and s.descending and s.headers["created_at"].active
    assert sorting("sort=bogus", default="-created_at").value == "-created_at"
    assert sorting("sort=created_at", default="-created_at").value == "created_at"


def test_the_audit_names_the_filters_never_the_page_the_format_or_the_sort():
    assert filters_named(QueryDict("id_number=1&page=2&format=csv&sort=-x&year=&tab=hidden")) == ["id_number"]


def test_every_export_the_trail_names_has_its_words(db):
    from common.listing import EXPORT_WORDS, ExportWords, export_words

    for what in EXPORT_WORDS:
        words, tab = export_words(what)
        assert isinstance(words, ExportWords) and tab == "", what
        assert all(str(label) for label in words.filters.values()), what
        assert words.sorts or what == "cases", what
    assert export_words("work-queue-seal")[1] == "seal" and export_words("nothing")[0] is None
