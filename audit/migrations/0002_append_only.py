"""The database refuses UPDATE and DELETE on the audit trail and on sealing's access log.

PostgreSQL: a row trigger raises (SQLSTATE 23001, an IntegrityError in Django) unless the transaction-local
setting ``fengcun.audit_purge`` is 'on' (audit.services.append_only_lifted, used by the retention purge).
TRUNCATE is left alone (the test runner's flush uses it). SQLite has no setting a trigger could read and
Django's flush deletes row by row there, so SQLite (development only) has no trigger: verify_audit still
detects what was changed.

Access-log rows written before this migration have no entry: a ``chain_start`` entry records the last of them
(``access_log_floor``), so that verify_audit asks an entry only of the rows written after it."""
import datetime as dt

from django.db import migrations

from audit import chain

FUNCTION = """
CREATE OR REPLACE FUNCTION fengcun_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('fengcun.audit_purge', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% on % refused: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$;
"""
TABLES = (("audit", "AuditEntry"), ("sealing", "AccessLog"))


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for app, model in TABLES:
        table = apps.get_model(app, model)._meta.db_table
        schema_editor.execute(
            f'CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION fengcun_append_only()")


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app, model in TABLES:
        table = apps.get_model(app, model)._meta.db_table
        schema_editor.execute(f'DROP TRIGGER IF EXISTS {table}_append_only ON "{table}"')
    schema_editor.execute("DROP FUNCTION IF EXISTS fengcun_append_only()")


def start_chain(apps, schema_editor):
    AccessLog = apps.get_model("sealing", "AccessLog")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditHead = apps.get_model("audit", "AuditHead")
    floor = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first()
    if not floor or AuditEntry.objects.exists():
        return
    fields = dict(seq=1, at=dt.datetime.now(dt.timezone.utc), kind="chain_start", actor_id=None, actor_username="",
                  object_type="", object_id="", detail={"access_log_floor": floor}, access_log_id=None,
                  access_log_digest="", prev_hash=chain.GENESIS)
    entry = AuditEntry.objects.create(**fields, hash=chain.entry_hash(**fields))
    AuditHead.objects.update_or_create(pk=1, defaults={"last_seq": 1, "last_hash": entry.hash})


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        ("sealing", "0010_sealing_notices_and_sweeps"),
    ]

    operations = [
        migrations.RunPython(add_triggers, drop_triggers),
        migrations.RunPython(start_chain, migrations.RunPython.noop),
    ]
