"""The SQLite store (stdlib sqlite3; sqlite-utils only on demand). No Textual here."""

from mlrtui.store.db import Store, StoreError, open_store

__all__ = ["Store", "StoreError", "open_store"]
