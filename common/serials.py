from django.db import connection, transaction

from .models import SerialCounter


@transaction.atomic
def next_serial(prefix: str, year: int) -> str:
    """PREFIX-YEAR-000001, locked so that concurrent callers never share a number."""
    counter, _ = SerialCounter.objects.select_for_update().get_or_create(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:06d}"


def reserve_serials(prefix: str, year: int, count: int) -> list[str]:
    """``count`` consecutive serials (as next_serial gives them) in one statement: the counter row is created
    or raised by ``count`` and stays locked until the caller's transaction ends, so concurrent callers never
    share a number and a rolled-back caller leaves no gap."""
    if count <= 0:
        return []
    table = connection.ops.quote_name(SerialCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, year, last) VALUES (%s, %s, %s) "
            f"ON CONFLICT (prefix, year) DO UPDATE SET last = {table}.last + excluded.last RETURNING last",
            [prefix, year, count])
        last = cursor.fetchone()[0]
    return [f"{prefix}-{year}-{number:06d}" for number in range(last - count + 1, last + 1)]
