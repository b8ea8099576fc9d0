"""Models screen: availability and why, and the `t` test call through the real loopback server."""

from __future__ import annotations

from loopback import Fault, Reply
from rich.text import Text
from textual.widgets import Select, Static

from mlrtui.config import ModelConfig, Settings, load_settings
from mlrtui.store import Store
from mlrtui.ui.app import make_app
from mlrtui.ui.screens.models import ModelsScreen, ModelTable

SIZE = (120, 36)


def cell_text(table: ModelTable, row: str, column: str) -> str:
    value = table.get_cell(row, column)
    return value.plain if isinstance(value, Text) else str(value)


async def settle(pilot) -> None:
    """Let the test call and the ledger reload it causes (thread workers) finish."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def panel(app, name: str) -> str:
    return str(app.screen.query_one(f"#{name}", Static).render())


async def open_models(pilot, model: str | None = None) -> ModelsScreen:
    pilot.app.go_to("models")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ModelsScreen)
    if model is not None:
        assert screen.query_one(ModelTable).move_to_key(model)
        await pilot.pause()
    return screen


async def test_unavailable_model_says_which_variable_is_missing(store: Store):
    app = make_app(load_settings(db=store.path), store, corpus_path="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_models(pilot, "gpt-4o")
        table = screen.query_one(ModelTable)
        assert cell_text(table, "gpt-4o", "status") == "✗ unavailable\nOPENAI_API_KEY is not set"
        assert "OPENROUTER_API_KEY is not set" in cell_text(table, "openrouter-deepseek-r1",
                                                           "status")
        assert "api.openai.com" in cell_text(table, "gpt-4o", "provider")
        assert "environment variable OPENAI_API_KEY is not set" in panel(app, "model-facts")
        assert screen.check_action("test", ()) is None          # dimmed, not silently ignored
        await pilot.press("t")
        await app.workers.wait_for_complete()
    assert store.scalar("SELECT COUNT(*) FROM llm_calls") == 0


async def test_t_calls_the_model_and_shows_reply_tokens_and_cost(store: Store,
                                                                 llm_settings: Settings,
                                                                 loopback):
    loopback.script(Reply(text="Loud and clear from the loopback.", input_tokens=20,
                          output_tokens=7))
    app = make_app(llm_settings, store, corpus_path="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_models(pilot, "fake-openai")
        assert cell_text(screen.query_one(ModelTable), "fake-openai", "status").startswith(
            "✓ available")
        assert "Press t" in panel(app, "model-test")
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = panel(app, "model-test")
    assert "Loud and clear from the loopback." in shown
    assert "20 in / 7 out" in shown
    assert "$0.000120" in shown                   # gpt-4o: 20 x $2.50 + 7 x $10 per MTok
    assert "latency" in shown
    [row] = store.query("SELECT purpose, status, model, input_tokens, cost_usd FROM llm_calls")
    assert row == {"purpose": "test", "status": "ok", "model": "gpt-4o", "input_tokens": 20,
                   "cost_usd": 0.00012}
    assert len(loopback.requests) == 1 and loopback.requests[0].protocol == "openai"


async def test_unknown_model_is_tested_and_shown_unpriced(store: Store, llm_settings: Settings,
                                                          loopback):
    models = dict(llm_settings.models)
    models["lab-model"] = ModelConfig(provider="openai", model="lab-model-7b-unreleased",
                                      base_url=loopback.openai_base_url,
                                      api_key_env="MLRTUI_TEST_KEY", timeout_s=2.0)
    settings = llm_settings.model_copy(update={"models": models})
    app = make_app(settings, store, corpus_path="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_models(pilot, "lab-model")
        assert cell_text(screen.query_one(ModelTable), "lab-model", "price") == "unpriced"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = panel(app, "model-test")
    assert "cost      unpriced" in shown and "$0" not in shown
    assert store.scalar("SELECT cost_usd IS NULL FROM llm_calls WHERE status = 'ok'") == 1


async def test_a_failed_test_is_one_line_and_recorded(store: Store, llm_settings: Settings,
                                                      loopback):
    loopback.script(Fault("401"))
    app = make_app(llm_settings, store, corpus_path="")
    async with app.run_test(size=SIZE) as pilot:
        await open_models(pilot, "fake-anthropic")
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = panel(app, "model-test")
        assert app.screen.check_action("test", ()) is True     # may be tried again
    assert shown.startswith("✗ test failed: fake-anthropic:")
    assert "\n" not in shown and "Traceback" not in shown
    assert store.scalar("SELECT COUNT(*) FROM llm_calls WHERE status = 'error' "
                        "AND purpose = 'test'") == 1


async def test_a_test_call_reaches_the_costs_screen(store: Store, llm_settings: Settings,
                                                    loopback):
    app = make_app(llm_settings, store, corpus_path="")
    async with app.run_test(size=SIZE) as pilot:
        app.go_to("costs")
        await settle(pilot)
        assert app.screen.query_one("#ledger").row_count == 0
        await open_models(pilot, "fake-openai")
        await pilot.press("t")
        await settle(pilot)
        app.go_to("costs")
        await settle(pilot)
        assert app.screen.query_one("#ledger").row_count == 1
        app.screen.query_one("#ledger-model", Select).value = "gpt-4o"   # a new filter choice
        await settle(pilot)
        assert app.screen.query_one("#ledger").row_count == 1
