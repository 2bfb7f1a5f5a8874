"""Re-encrypt every encrypted column (text, and the bytes of uploads and issued PDFs) under the first key of
FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first, keep the old ones after it, run this, then drop the old keys.
The plaintext does not change, so no history rows are written (history tables are rotated too).
"""
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from audit.models import AuditKind
from audit.services import record_security_event
from common import crypto
from common.fields import EncryptedBinaryField, EncryptedTextField

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt encrypted fields (tables and their history) under the newest key."

    def handle(self, *args, **options):
        total = 0
        for model in apps.get_models():
            columns = {f.column: _rotate_binary if isinstance(f, EncryptedBinaryField) else _rotate_text
                       for f in model._meta.concrete_fields
                       if isinstance(f, (EncryptedTextField, EncryptedBinaryField))}
            if columns:
                total += self._rotate(model, columns)
        record_security_event(AuditKind.KEY_ROTATION,
                              detail={"values": total, "keys": len(settings.FIELD_ENCRYPTION_KEYS)})
        self.stdout.write(f"Re-encrypted {total} values.")

    def _rotate(self, model, columns) -> int:
        qn = connection.ops.quote_name
        table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
        count, last = 0, None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                where = f"WHERE {pk} > %s " if last is not None else ""
                cursor.execute(
                    f"SELECT {pk}, {', '.join(qn(c) for c in columns)} FROM {table} {where}ORDER BY {pk} LIMIT {BATCH}",
                    [last] if last is not None else [],
                )
                rows = cursor.fetchall()
                for row in rows:
                    values = [rotate(v) if v else v for rotate, v in zip(columns.values(), row[1:])]
                    assignments = ", ".join(f"{qn(c)} = %s" for c in columns)
                    cursor.execute(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", [*values, row[0]])
                    count += sum(1 for v in row[1:] if v)
            if len(rows) < BATCH:
                return count
            last = rows[-1][0]


def _rotate_text(token: str) -> str:
    return crypto.rotate(token)


def _rotate_binary(token) -> bytes:
    """A binary column comes back as bytes or a memoryview (PostgreSQL); the token is the Fernet token's bytes."""
    return crypto.fernet().rotate(bytes(token))
