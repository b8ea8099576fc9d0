"""Snapshots of the Models and Costs screens and the budget dialog, on seeded data of our own.

The test-result shot shows a fixed outcome (a real call's latency differs every run); the
pilot tests in tests/ui/test_models_screen.py make the real call through the loopback server.
"""

from __future__ import annotations

import pytest
from snapshots.conftest import SIZE, in_mode, loaded, steady
from textual.pilot import Pilot
from ui.seed_costs import seed_costs

from mlrtui.config import ModelConfig, load_settings
from mlrtui.services.models import ProbeResult
from mlrtui.store import Store
from mlrtui.ui.app import MlrtuiApp, make_app
from mlrtui.ui.modals.budget import BudgetExceededScreen
from mlrtui.ui.screens.models import ModelTable

SHOTS = {
    "test_models": "models",
    "test_models_test_result": "models-test-result",
    "test_costs": "costs",
    "test_costs_by_model": "costs-by-model",
    "test_budget_exceeded": "budget-exceeded",
}


@pytest.fixture
def costs_app(store: Store, monkeypatch: pytest.MonkeyPatch) -> MlrtuiApp:
    """The seeded ledger, plus a self-hosted model nobody prices whose key variable is set."""
    seed_costs(store)
    monkeypatch.setenv("LAB_VLLM_KEY", "lab-key-for-snapshots")
    settings = load_settings(db=store.path, models={"lab-vllm": ModelConfig(
        provider="openai", model="lab-vllm-7b", base_url="http://10.0.0.5:8000/v1",
        api_key_env="LAB_VLLM_KEY", max_tokens=1024, concurrency=8, cache=True)})
    return make_app(settings, store, corpus_path="")


def test_models(snap_compare, costs_app):
    assert snap_compare(costs_app, terminal_size=SIZE, run_before=in_mode("models"))


def test_models_test_result(snap_compare, costs_app):
    async def run(pilot: Pilot) -> None:
        pilot.app.go_to("models")
        await pilot.pause()
        screen = pilot.app.screen
        screen.query_one(ModelTable).move_to_key("lab-vllm")
        screen.show_result(ProbeResult(
            "lab-vllm", ok=True, reply="I can hear you: the lab server is up.",
            model_reported="lab-vllm-7b", input_tokens=19, output_tokens=11, latency_s=0.42))
        await steady(pilot)
    assert snap_compare(costs_app, terminal_size=SIZE, run_before=run)


def test_costs(snap_compare, costs_app):
    assert snap_compare(costs_app, terminal_size=SIZE, run_before=in_mode("costs"))


def test_costs_by_model(snap_compare, costs_app):
    assert snap_compare(costs_app, terminal_size=SIZE, run_before=in_mode("costs", "b"))


def test_budget_exceeded(snap_compare, costs_app):
    async def run(pilot: Pilot) -> None:
        pilot.app.go_to("costs")
        await loaded(pilot)
        await pilot.app.push_screen(BudgetExceededScreen("run", 0.05, 0.0453, 0.0123, 8))
        await steady(pilot)
    assert snap_compare(costs_app, terminal_size=SIZE, run_before=run)
