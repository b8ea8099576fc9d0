"""The SQLite store (sqlite-utils). No Textual here."""

from mlrtui.store.db import Store, StoreError, open_store

__all__ = ["Store", "StoreError", "open_store"]
