"""Pages of long lists that stay quick as the tables grow.

``CappedPaginator``: the total is counted up to a cap (1,000), "more than" past it.

``slim_page``: the page's ids are found, and the total counted, on a slim query that carries only the list's
filters and order (no related rows, no wide columns); then only that page's rows are read with their related
rows. A list of 10,000 copies no longer joins ten tables for 10,000 rows to show 25 of them."""
from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows: past it the pages say "more than" (``capped``) and the user narrows the list
    with its filters. Counting every one of a province's rows to print "page 1 of 4,000" is what made the
    lists slow as they grew."""

    def __init__(self, object_list, per_page, cap: int = COUNT_CAP, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        counted = count_up_to(self.object_list, self.cap + 1)
        self.capped = counted > self.cap
        return min(counted, self.cap)


def count_up_to(queryset: QuerySet, limit: int) -> int:
    """The rows of ``queryset``, counted no further than ``limit`` (the database stops there)."""
    return queryset.order_by()[:limit].count()


def capped_count(queryset: QuerySet, cap: int = COUNT_CAP) -> int | str:
    """A tab's badge: the number of rows up to ``cap``, "``cap``+" past it."""
    counted = count_up_to(queryset, cap + 1)
    return f"{cap}+" if counted > cap else counted


def slim_page(queryset: QuerySet, number, per_page: int) -> Page:
    """The page ``number`` (as given in the request; out of range gives the last page) of ``queryset``, whose
    ordering must end in a unique key."""
    ids = queryset.values_list("pk", flat=True)
    page = CappedPaginator(ids, per_page).get_page(number)
    wanted = list(page.object_list)
    rows = {row.pk: row for row in _hydrate(queryset, wanted)}
    page.object_list = [rows[pk] for pk in wanted if pk in rows]
    return page


def _hydrate(queryset: QuerySet, ids: list) -> QuerySet:
    """The rows of ``ids`` with the list's related rows (select_related, prefetch_related). The ids came out of
    the scoped, filtered query: reading them by key does not widen what the user sees, and spares the database
    evaluating the scope a second time. Annotations are not carried: a list that shows one pages itself."""
    if queryset.query.annotations:
        raise ValueError("slim_page does not carry annotations: page this list with a Paginator")
    rows = queryset.model._default_manager.filter(pk__in=ids)
    rows.query.select_related = queryset.query.select_related
    rows.query.deferred_loading = queryset.query.deferred_loading  # a list's .defer()/.only() hold for its rows
    return rows.prefetch_related(*queryset._prefetch_related_lookups)
