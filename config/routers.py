"""The database router installed when REPLICA_DATABASE_URL is set (config/settings.py).

Reads go to the replica only inside ``common.replica.reading_from_replica()``, and even there not while a
transaction is open on the primary (a service that reads what it is about to write, or locks rows, must see the
primary). Writes always go to the primary, an object read from the replica included.
"""
from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

from common.replica import REPLICA, replica_reads_wanted

ALIASES = {DEFAULT_DB_ALIAS, REPLICA}


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if replica_reads_wanted() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        # explicitly the primary: a related object of a row read from the replica is read here outside the context
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # the replica holds the primary's rows: a row read there may be linked to one read here
        if obj1._state.db in ALIASES and obj2._state.db in ALIASES:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None  # the replica follows the primary; it is never migrated
