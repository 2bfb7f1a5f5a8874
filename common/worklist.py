"""The home page's work list: what each user has to do, with its deadlines.

Each app says what is due in its own selectors (``work_items(user, today)``), from the same querysets as the
lists the items link to, so a number on the home page is the number of rows the list shows: the law and the
permissions live once. This module holds only the shape of an item and the one way deadlines are summed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Expression, F, Min, Q, QuerySet

from .pagination import COUNT_CAP


@dataclass(frozen=True)
class WorkItem:
    """One line of the work list: ``count`` things to do (``"1000+"`` past the cap), of which ``overdue`` are
    past their deadline and ``due_today`` fall due today; ``next_due`` is the nearest deadline not yet passed."""

    key: str  # stable: the page's data-testid and the tests' handle
    label: str
    url: str
    count: int | str
    overdue: int | str = 0
    due_today: int | str = 0
    next_due: dt.date | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def urgent(self) -> bool:
        return bool(self.overdue) or bool(self.due_today)


@dataclass(frozen=True)
class DeadlineSummary:
    count: int | str
    overdue: int | str
    due_today: int | str
    next_due: dt.date | None


def _capped(value: int, cap: int) -> int | str:
    return f"{cap}+" if value > cap else value


def deadline_summary(queryset: QuerySet, deadline: str | Expression, today: dt.date, *,
                     cap: int = COUNT_CAP) -> DeadlineSummary:
    """How many rows of ``queryset`` there are, how many are past their ``deadline`` (a date field, a lookup path
    or an expression; the deadline day itself is still in time), how many fall due today, and the nearest deadline
    not yet passed.

    One query over at most ``cap`` + 1 rows taken in deadline order, so the overdue and due-today figures are
    exact as long as they stay under the cap, and a province-wide scope is not counted row by row."""
    due = F(deadline) if isinstance(deadline, str) else deadline
    ids = queryset.annotate(worklist_due=due).order_by("worklist_due", "pk").values("pk")[: cap + 1]
    figures = queryset.model._default_manager.annotate(worklist_due=due).filter(pk__in=ids).aggregate(
        count=Count("pk"),
        overdue=Count("pk", filter=Q(worklist_due__lt=today)),
        due_today=Count("pk", filter=Q(worklist_due=today)),
        next_due=Min("worklist_due", filter=Q(worklist_due__gte=today)),
    )
    return DeadlineSummary(count=_capped(figures["count"], cap), overdue=_capped(figures["overdue"], cap),
                           due_today=_capped(figures["due_today"], cap), next_due=figures["next_due"])


def count_summary(queryset: QuerySet, *, cap: int = COUNT_CAP) -> DeadlineSummary:
    """Rows without a deadline: only their number, up to ``cap``."""
    from .pagination import capped_count

    return DeadlineSummary(count=capped_count(queryset, cap), overdue=0, due_today=0, next_due=None)


def counted(singular: str, plural: str, count: int | str) -> str:
    """A note on an item, "%(count)s …" in the plural form the number asks for ("1000+" past the cap), or nothing
    when there is none."""
    from django.utils.translation import ngettext

    if not count:
        return ""
    return ngettext(singular, plural, count if isinstance(count, int) else 2) % {"count": count}


def item(key: str, label: str, url: str, summary: DeadlineSummary, *notes: str) -> WorkItem:
    return WorkItem(key=key, label=str(label), url=url, count=summary.count, overdue=summary.overdue,
                    due_today=summary.due_today, next_due=summary.next_due, notes=tuple(n for n in notes if n))
