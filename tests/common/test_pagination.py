"""common.pagination: a capped count and pages read in two steps (ids, then rows) give the same rows in the same
order as a plain Paginator."""
from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

from common.pagination import CappedPaginator, slim_page
from sealing.models import Charge

pytestmark = pytest.mark.django_db


def test_the_count_stops_at_the_cap_and_says_so():
    charges = Charge.objects.order_by("pk")
    assert charges.count() > 30
    paginator = CappedPaginator(charges, 10, cap=30)
    assert (paginator.count, paginator.num_pages, paginator.capped) == (30, 3, True)
    roomy = CappedPaginator(charges, 10, cap=10_000)
    assert (roomy.count, roomy.capped) == (charges.count(), False)


def test_a_slim_page_holds_the_rows_of_the_plain_page_in_order():
    charges = Charge.objects.order_by("-chapter", "name", "pk")
    for number in (1, 2, "3", "x", 9999):
        plain = Paginator(charges, 7).get_page(number)
        slim = slim_page(charges, number, 7)
        assert [c.pk for c in slim] == [c.pk for c in plain]
        assert slim.number == plain.number
        assert all(isinstance(c, Charge) for c in slim)


def test_a_slim_page_refuses_annotations_it_would_drop():
    from django.db.models import Value

    with pytest.raises(ValueError):
        slim_page(Charge.objects.annotate(x=Value(1)).order_by("pk"), 1, 5)


def test_the_pagination_says_more_than_when_capped():
    page = CappedPaginator(Charge.objects.order_by("pk"), 10, cap=30).get_page(1)
    html = render_to_string("_pagination.html", {"page": page, "request": RequestFactory().get("/")})
    assert "30" in html and "3" in html
    assert html != render_to_string("_pagination.html", {
        "page": Paginator(Charge.objects.order_by("pk")[:30], 10).get_page(1), "request": RequestFactory().get("/")})
