"""A session's settings and store, built on first use so `mlrtui --help` touches nothing.

The command line and the console both start from one `Context`.

The console's start: validating settings means importing pydantic (~0.1 s, most of what the
console did before its first paint beyond Textual itself). So each time the console validates
the config it records what its first screen needs (database path, theme, keymap, the key
variables to redact) in `checked-config.json` in the data dir, under a fingerprint of the
config file's bytes, the MLRTUI_* and platform-dir environment and mlrtui's config code. When
the next start finds the same fingerprint, that config is known to validate: the console
starts from the record and loads the whole settings right after its first paint. A config that
changed is validated before the console starts, as always (a broken one: exit 2, one line).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlrtui import __version__, paths
from mlrtui.kernel.errors import Fatal
from mlrtui.kernel.secrets import key_values
from mlrtui.store import Store, StoreError, open_store
from mlrtui.store.tasks import ensure_examples

if TYPE_CHECKING:
    from mlrtui.config import Settings

CHECKED_FILE = "checked-config.json"
# platformdirs reads these for the default config and data dirs (so the default db path)
PLATFORM_VARS = ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME")
CONFIG_CODE = Path(__file__).resolve().parents[1] / "config.py"


def check_models(settings: Settings, names: list[str], what: str = "model") -> None:
    """Fatal for the first name that is not configured or cannot be called now."""
    known = settings.all_models()
    for name in names:
        if name not in known:
            raise Fatal(f"unknown {what} {name!r}; configured: {', '.join(sorted(known))}")
        reason = known[name].unavailable_reason()
        if reason:
            raise Fatal(f"{what} {name!r} cannot be used: {reason}")


@dataclass(frozen=True)
class Checked:
    """What the console's first screen needs from a config that validated."""

    db: str
    theme: str
    keymap: dict[str, str]
    key_envs: list[str]


def config_fingerprint(db_override: Path | None) -> str | None:
    """A hash of everything settings are built from; None when the config cannot be read (the
    full load then reports it)."""
    h = hashlib.sha256()
    path = paths.config_file()
    try:
        body = path.read_bytes() if path.exists() else b"\0no file"
        code = CONFIG_CODE.stat()
    except OSError:
        return None
    env = sorted((k, v) for k, v in os.environ.items()
                 if k.startswith("MLRTUI_") or k in PLATFORM_VARS)
    for part in (__version__, str(path), body, json.dumps(env), str(db_override),
                 f"{code.st_mtime_ns} {code.st_size}"):
        h.update(part if isinstance(part, bytes) else part.encode())
        h.update(b"\0")
    return h.hexdigest()


def read_checked(fingerprint: str | None) -> Checked | None:
    """The record of a config that validated with this fingerprint, if there is one."""
    if fingerprint is None:
        return None
    try:
        record = json.loads((paths.data_dir() / CHECKED_FILE).read_text(encoding="utf-8"))
        if record.pop("fingerprint") != fingerprint:
            return None
        return Checked(**record)
    except (OSError, ValueError, KeyError, TypeError):   # none yet, or unreadable: validate
        return None


def write_checked(fingerprint: str | None, settings: Settings) -> None:
    """Record a config that validated; a data dir that refuses it only costs the next start
    its speed-up, so that is not an error."""
    if fingerprint is None:
        return
    envs = sorted({c.api_key_env for c in settings.all_models().values() if c.api_key_env})
    checked = Checked(db=str(settings.db), theme=settings.theme, keymap=dict(settings.keymap),
                      key_envs=envs)
    path = paths.data_dir() / CHECKED_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"fingerprint": fingerprint, **asdict(checked)}),
                       encoding="utf-8")
        tmp.replace(path)
    except OSError:
        return


class DeferredSettings:
    """The console's settings before they are loaded: what its first screen needs, from a
    config checked before; `load()` builds the whole Settings (the App does it after its
    first paint, or at the first use of anything else)."""

    def __init__(self, checked: Checked, load: Callable[[], Settings]) -> None:
        self.db = Path(checked.db)
        self.theme = checked.theme
        self.keymap = checked.keymap
        self.load = load


class Context:
    """Settings and store, built on first use so `mlrtui --help` touches nothing."""

    def __init__(self, db_override: Path | None = None,
                 notice: Callable[[str], None] | None = None, *, console: bool = False) -> None:
        self.db_override = db_override
        self.notice = notice  # told when a database file is created, so it is never silent
        self.console = console  # for the console: settings via `console_settings`
        self._settings: Settings | None = None
        self._checked: Checked | None = None
        self._store: Store | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from mlrtui.config import ConfigError, load_settings  # pydantic: ~0.1 s

            try:
                self._settings = load_settings(db=self.db_override)
            except ConfigError as exc:
                raise Fatal(str(exc)) from None
        return self._settings

    def console_settings(self) -> Settings | DeferredSettings:
        """Settings for the console: deferred when this config validated before unchanged,
        else loaded (and recorded) now, so a broken config stops the console before it starts."""
        if self._settings is not None:
            return self._settings
        if self._checked is not None:
            return DeferredSettings(self._checked, lambda: self.settings)
        fingerprint = config_fingerprint(self.db_override)
        checked = read_checked(fingerprint)
        if checked is None:
            write_checked(fingerprint, self.settings)
            return self.settings
        self._checked = checked
        return DeferredSettings(checked, lambda: self.settings)

    def secrets(self) -> list[str]:
        """Key values to redact from logs: from the checked record until settings are loaded."""
        from mlrtui.kernel.secrets import known_secrets

        if self._settings is None and self.console:
            self.console_settings()     # the log's first line comes before the console starts
        if self._settings is None and self._checked is not None:
            return key_values(self._checked.key_envs)
        return known_secrets(self.settings)

    @property
    def store(self) -> Store:
        if self._store is None:
            db = (self._checked.db if self._settings is None and self._checked is not None
                  else self.settings.db)
            path = Path(db).expanduser()
            if self.notice is not None and not path.exists():
                self.notice(f"creating new database {path}")
            try:
                self._store = open_store(path)
            except StoreError as exc:
                raise Fatal(str(exc)) from None
            if not self._store.scalar("SELECT EXISTS (SELECT 1 FROM tasks)"):
                ensure_examples(self._store, paths.examples_dir())   # a first start
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
