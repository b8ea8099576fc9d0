"""The Tasks table narrows by removing rows and widens by adding and sorting: whatever the
path, it shows exactly the matching tasks in id order with the cursor on a shown one."""

from __future__ import annotations

from ui.conftest import SIZE

from mlrtui.store.tasks import TaskFilter, list_tasks
from mlrtui.ui.widgets.keytable import KeyTable


def shown(table: KeyTable) -> list[str]:
    """Row keys in display order (after a sort that is not the insertion order)."""
    return [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]


async def test_typing_and_deleting_keep_the_table_exact(app):
    store = app.store
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(KeyTable)
        await pilot.press("slash")
        typed = ""
        steps = [*"acme2025", *["backspace"] * 8, *"zeta", *["backspace"] * 4, *"tide"]
        for key in steps:
            typed = typed[:-1] if key == "backspace" else typed + key
            await pilot.press(key)
            await pilot.pause()
            want = [t.id for t in list_tasks(store, TaskFilter(search=typed or None))]
            assert shown(table) == want, typed
            if want:
                assert table.current_key in want
        await pilot.press("enter")          # opens the highlighted (first) match
        await pilot.pause()
        assert app.screen.__class__.__name__ == "TaskScreen"
