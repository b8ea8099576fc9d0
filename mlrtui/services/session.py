"""A session's settings and store, built on first use so `mlrtui --help` touches nothing.

The command line and the console both start from one `Context`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mlrtui import paths
from mlrtui.config import ConfigError, Settings, load_settings
from mlrtui.kernel.errors import Fatal
from mlrtui.store import Store, StoreError, open_store
from mlrtui.store.tasks import ensure_examples


def check_models(settings: Settings, names: list[str], what: str = "model") -> None:
    """Fatal for the first name that is not configured or cannot be called now."""
    known = settings.all_models()
    for name in names:
        if name not in known:
            raise Fatal(f"unknown {what} {name!r}; configured: {', '.join(sorted(known))}")
        reason = known[name].unavailable_reason()
        if reason:
            raise Fatal(f"{what} {name!r} cannot be used: {reason}")


class Context:
    """Settings and store, built on first use so `mlrtui --help` touches nothing."""

    def __init__(self, db_override: Path | None = None,
                 notice: Callable[[str], None] | None = None) -> None:
        self.db_override = db_override
        self.notice = notice  # told when a database file is created, so it is never silent
        self._settings: Settings | None = None
        self._store: Store | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings(db=self.db_override)
            except ConfigError as exc:
                raise Fatal(str(exc)) from None
        return self._settings

    @property
    def store(self) -> Store:
        if self._store is None:
            path = Path(self.settings.db).expanduser()
            if self.notice is not None and not path.exists():
                self.notice(f"creating new database {path}")
            try:
                self._store = open_store(path)
            except StoreError as exc:
                raise Fatal(str(exc)) from None
            ensure_examples(self._store, paths.examples_dir())
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
