"""Settings: a TOML file in the platform config dir plus MLRTUI_* environment variables (env wins).

API keys are never stored here: a model names the environment variable that holds its key.
The sources are merged by `kernel.envtoml` (pydantic-settings' rules, without its import cost).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mlrtui import paths
from mlrtui.kernel.configproblems import one_line
from mlrtui.kernel.envtoml import deep_merge, env_values, toml_values
from mlrtui.kernel.modelnames import canonical_model
from mlrtui.kernel.secrets import known_secrets

ProviderKind = Literal["openai", "anthropic", "local"]


class ConfigError(Exception):
    """A config file that cannot be read; the message is one line naming the file."""


class Price(BaseModel):
    """A per-model price override in USD per million tokens."""

    input_per_mtok: float
    output_per_mtok: float
    cache_read_per_mtok: float | None = None
    cache_write_per_mtok: float | None = None


class ModelConfig(BaseModel):
    """One entry of the model registry (`[models.<name>]` in config.toml)."""

    provider: ProviderKind = "openai"
    model: str = ""
    base_url: str | None = None
    api_key_env: str | None = None
    price: Price | None = None
    max_tokens: int = 2048
    context_tokens: int | None = None
    concurrency: int = 4
    requests_per_minute: float | None = None
    temperature: float = 0.7
    timeout_s: float = 120.0
    max_attempts: int = 5
    cache: bool = False
    gguf_path: str | None = None
    n_threads: int | None = None
    experiment_python: str | None = None      # this model's experiments run with it
    # Output limit per stage (idea, literature, proposal, experiment, paper) for this model: the
    # tokens asked for that stage, lifting max_tokens (the limit of every other call) for it.
    stage_max_tokens: dict[str, int] = Field(default_factory=dict)

    def output_limit(self, stage: str | None = None) -> int:
        """The most output tokens one call may ask for: a stage's own limit, else max_tokens."""
        return self.stage_max_tokens.get(stage, self.max_tokens) if stage else self.max_tokens

    def api_key(self) -> str | None:
        return os.environ.get(self.api_key_env) if self.api_key_env else None

    def unavailable_reason(self) -> str | None:
        """Why this model cannot be called now, or None when it can."""
        if self.provider == "local":
            return None
        if self.api_key_env and not os.environ.get(self.api_key_env):
            return f"environment variable {self.api_key_env} is not set"
        return None


def default_models() -> dict[str, ModelConfig]:
    """Models known out of the box; the embedded one needs no key and no network."""
    return {
        # 512 tokens keeps its judge replies quick; a stage gets room for its whole text.
        "local": ModelConfig(provider="local", model="smollm2-135m-instruct", max_tokens=512,
                             context_tokens=8192, concurrency=1,
                             stage_max_tokens={"idea": 700, "literature": 900, "proposal": 1200,
                                               "experiment": 1500, "paper": 2000}),
        "gpt-4o": ModelConfig(provider="openai", model="gpt-4o", api_key_env="OPENAI_API_KEY"),
        "gpt-4o-mini": ModelConfig(provider="openai", model="gpt-4o-mini",
                                   api_key_env="OPENAI_API_KEY"),
        "o4-mini": ModelConfig(provider="openai", model="o4-mini", api_key_env="OPENAI_API_KEY"),
        "claude-sonnet": ModelConfig(provider="anthropic", model="claude-3-7-sonnet-20250219",
                                     api_key_env="ANTHROPIC_API_KEY"),
        "openrouter-deepseek-r1": ModelConfig(
            provider="openai", model="deepseek/deepseek-r1",
            base_url="https://openrouter.ai/api/v1", api_key_env="OPENROUTER_API_KEY"),
    }


class ExecutorConfig(BaseModel):
    """`[executor]`: where experiment code runs. Slurm options are cluster-wide minimums."""

    kind: Literal["local", "slurm"] = "local"
    partition: str | None = None
    account: str | None = None
    shared_dir: Path | None = None      # a folder every node sees; default: data dir / slurm
    gpus: int = 0
    cpus: int = 1
    mem: int = 0                        # MB
    time: int = 0                       # minutes
    extra: dict[str, str] = Field(default_factory=dict)   # more `sbatch --key=value`
    poll_s: float = 2.0


def _is_complex(annotation: Any) -> bool:
    """A list, dict or model field: its environment value is JSON."""
    return get_origin(annotation) in (list, dict) or (
        isinstance(annotation, type) and issubclass(annotation, BaseModel))


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    db: Path = Field(default_factory=paths.default_db_path)
    default_model: str = "local"
    judges: list[str] = Field(default_factory=lambda: ["local"])
    models: dict[str, ModelConfig] = Field(default_factory=default_models)
    run_budget_usd: float | None = 5.0
    batch_budget_usd: float | None = 50.0
    concurrency: int = 4
    experiment_timeout_s: float = 600.0
    experiment_memory_mb: int = 2048
    # The Python experiments run with; None: mlrtui's own (it has numpy, scipy, pandas,
    # scikit-learn, matplotlib). A model's own `experiment_python` wins.
    experiment_python: str | None = None
    repair_rounds: int = 3
    # Output limits per stage for every model (a model's own stage_max_tokens wins).
    stage_max_tokens: dict[str, int] = Field(default_factory=dict)
    disagreement_threshold: float = 2.0
    theme: str = "textual-dark"
    keymap: dict[str, str] = Field(default_factory=dict)
    executor: ExecutorConfig = Field(default_factory=ExecutorConfig)

    def __init__(self, /, **values: Any) -> None:
        """Explicit values over MLRTUI_* environment variables over the TOML file."""
        fields = type(self).model_fields
        env = env_values("MLRTUI_", fields,
                         [n for n, f in fields.items() if _is_complex(f.annotation)])
        super().__init__(**deep_merge(toml_values(paths.config_file()), env, values))

    def model_ids(self) -> dict[str, str]:
        """Config key -> the canonical id of the model it names, for display_model."""
        return {key: canonical_model(cfg.model) for key, cfg in self.all_models().items()
                if cfg.model}

    def all_models(self) -> dict[str, ModelConfig]:
        """Configured models layered over the defaults, so a config adding one keeps the rest."""
        merged = default_models()
        merged.update(self.models)
        if self.stage_max_tokens:   # built-in limits < global ones < a configured model's own
            merged = {name: cfg.model_copy(update={"stage_max_tokens": (
                {**self.stage_max_tokens, **cfg.stage_max_tokens} if name in self.models
                else {**cfg.stage_max_tokens, **self.stage_max_tokens})})
                for name, cfg in merged.items()}
        return merged


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning a broken config file into one line that names it."""
    path = paths.config_file()
    try:
        if path.exists():
            tomllib.loads(path.read_text(encoding="utf-8"))
        settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
        known_secrets(settings)      # registers its key variables for redaction on write
        return settings
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except ValidationError as exc:
        raise ConfigError(one_line(path, exc.errors())) from None
    except ValueError as exc:
        detail = "; ".join(line.strip() for line in str(exc).splitlines()[:3])
        raise ConfigError(f"{path}: invalid settings ({detail})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
