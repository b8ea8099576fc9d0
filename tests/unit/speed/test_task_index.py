"""The in-memory task filter agrees with the SQL one it stands in for while typing."""

from __future__ import annotations

from mlrtui import paths
from mlrtui.store.task_index import TaskIndex
from mlrtui.store.tasks import TaskFilter, list_tasks, load_task_dir, set_category_override


def test_same_tasks_as_list_tasks(store) -> None:
    load_task_dir(store, paths.examples_dir(), "example")
    for i, (venue, year) in enumerate([("iclr", 2024), ("neurips", 2025), ("icml", 2025)]):
        store.insert("tasks", {"id": f"{venue}{year}_toy{i}", "venue": venue, "year": year,
                               "slug": f"toy{i}", "title": f"Toy Workshop on Graphs {i}",
                               "body": "b", "category": "Others", "source": "user",
                               "content_hash": str(i), "created_at": "now"})
    first = list_tasks(store)[0].id
    set_category_override(store, first, "ML Theory")
    index = TaskIndex.load(store)
    assert len(index) == len(list_tasks(store)) >= 4
    filters = [TaskFilter(), TaskFilter(search="toy"), TaskFilter(search="GRAPHS 1"),
               TaskFilter(search="2025 toy"), TaskFilter(venue="ICLR"), TaskFilter(year=2025),
               TaskFilter(category="ML Theory"), TaskFilter(category="Others", year=2025),
               TaskFilter(search="no-such-word")]
    for flt in filters:
        assert [t.id for t in index.filter(flt)] == [t.id for t in list_tasks(store, flt)], flt
    assert [t.id for t in index.filter(TaskFilter(category="ML Theory"))] == [first]
