"""Bulk writes the ORM makes slowly, for the sealing sweep (bench/sweep.py): Django's ``bulk_update`` compiles
one CASE WHEN per row and column (about 7 ms a file for the sweep's 13 columns) where PostgreSQL takes one
``UPDATE … FROM (VALUES …)``; simple-history's ``bulk_history_create`` builds a model instance a row where one
``INSERT … SELECT`` copies the rows just written. Other databases get the ORM's way. (Django 5.2's
``bulk_create`` is kept for inserts: on PostgreSQL it sends one array a column, measured faster than rows of
parameters, which psycopg binds one by one.)"""
from __future__ import annotations

import json

from django.db import connections, router
from django.db.models import JSONField
from django.utils import timezone
from simple_history.utils import get_change_reason_from_object


def _json_value(value):
    """Dates and times in full (DjangoJSONEncoder cuts microseconds), read back by PostgreSQL's own parser."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def update_rows(model, objs, fields, *, batch_size: int = 500) -> None:
    """Write ``fields`` of each object to its row (what ``model.objects.bulk_update(objs, fields)`` does: no
    save(), no signals, no history row: the caller writes those)."""
    objs = list(objs)
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objs, fields, batch_size=batch_size)
        return
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    names = [quote(field.column) for field in columns]
    # the rows as one JSON parameter, read back by jsonb_to_recordset: psycopg binds each of thousands of
    # parameters of an UPDATE … FROM (VALUES …) one by one, measured slower than the whole update in PostgreSQL
    record = ", ".join(f"{name} {field.db_type(connection)}" for name, field in zip(names, columns))
    assignments = ", ".join(f"{name} = v.{name}" for name in names[1:])
    sql = (f"UPDATE {quote(meta.db_table)} AS t SET {assignments} FROM jsonb_to_recordset(%s::jsonb) AS v ({record}) "
           f"WHERE t.{names[0]} = v.{names[0]} AND t.{names[0]} = ANY(%s)")
    plain = [(field.column, isinstance(field, JSONField), field) for field in columns]
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start:start + batch_size]
            rows = [{column: getattr(obj, field.attname) if is_json else field.get_prep_value(getattr(obj, field.attname))
                     for column, is_json, field in plain} for obj in batch]
            cursor.execute(sql, [json.dumps(rows, default=_json_value), [obj.pk for obj in batch]])

def write_history(model, objs, *, update: bool) -> None:
    """The history rows (django-simple-history) of objects just written in bulk, as ``save()`` would have
    written them: each with its own change reason (``_change_reason``) and user (``_history_user``, else the
    request's), type "~" (``update``) or "+". On PostgreSQL one ``INSERT … SELECT`` from the rows per user (the
    rows hold what the objects hold: call it right after writing them); elsewhere simple-history's
    ``bulk_history_create``."""
    objs = list(objs)
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.history.bulk_history_create(objs, update=update)
        return
    history = model.history.model
    groups: dict[int | None, tuple[list, list]] = {}
    default_user = unset = object()
    for obj in objs:
        user = getattr(obj, "_history_user", unset)
        if user is unset:  # the request's user, the same for every object of the call: asked once
            if default_user is unset:
                default_user = history.get_default_history_user(obj)
            user = default_user
        pks, reasons = groups.setdefault(getattr(user, "pk", None), ([], []))
        pks.append(obj.pk)
        reasons.append(get_change_reason_from_object(obj) or "")
    quote = connection.ops.quote_name
    names = [quote(field.column) for field in history.tracked_fields]
    extra = ", ".join(quote(name) for name in ("history_date", "history_change_reason", "history_type",
                                                "history_user_id"))
    now = timezone.now()
    with connection.cursor() as cursor:
        for user_id, (pks, reasons) in groups.items():
            # each row with its own reason, in the objects' order, in one statement
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(names)}, {extra}) "
                f"SELECT {', '.join('t.' + name for name in names)}, %s, v.reason, %s, %s "
                f"FROM {quote(model._meta.db_table)} AS t "
                f"JOIN unnest(%s::bigint[], %s::text[]) WITH ORDINALITY AS v(pk, reason, n) "
                f"ON t.{quote(model._meta.pk.column)} = v.pk ORDER BY v.n",
                [now, "~" if update else "+", user_id, pks, reasons])


def insert_rows(model, objs, *, batch_size: int = 500) -> None:
    """Insert the objects (what ``model.objects.bulk_create(objs)`` does: no save(), no signals, no history
    row; each object gets its new primary key, in order as bulk_create relies on too). On PostgreSQL the rows
    go as one JSON parameter read back by jsonb_to_recordset, as in update_rows."""
    objs = list(objs)
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=batch_size)
        return
    meta = model._meta
    fields = [field for field in meta.concrete_fields if field is not meta.pk]
    quote = connection.ops.quote_name
    names = [quote(field.column) for field in fields]
    record = ", ".join(f"{name} {field.db_type(connection)}" for name, field in zip(names, fields))
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(names)}) SELECT {', '.join(names)} "
           f"FROM jsonb_to_recordset(%s::jsonb) AS v ({record}) RETURNING {quote(meta.pk.column)}")
    plain = [(field.column, isinstance(field, JSONField), field) for field in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start:start + batch_size]
            rows = [{column: field.pre_save(obj, True) if is_json else field.get_prep_value(field.pre_save(obj, True))
                     for column, is_json, field in plain} for obj in batch]
            cursor.execute(sql, [json.dumps(rows, default=_json_value)])
            for obj, (pk,) in zip(batch, cursor.fetchall()):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = connection.alias


def analyze(*models) -> None:
    """Refresh PostgreSQL's statistics of the models' tables (ANALYZE; nothing elsewhere). A long transaction
    that fills tables (an import into a new installation) otherwise leaves the planner reckoning with empty
    tables: with no statistics a lookup of 200 keys is guessed to match the whole table and read by a
    sequential scan, a cost that grows with every row written. Inside a transaction ANALYZE samples the rows
    that transaction wrote too; the statistics are kept if it commits. Without the owner's right PostgreSQL
    skips the table with a warning."""
    connection = connections[router.db_for_write(models[0])]
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
