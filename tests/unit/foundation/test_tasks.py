"""Task files: names, titles, CRLF, empty files, and the explainable classifier."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlrtui.kernel.tasks import (
    CATEGORIES,
    TaskFileError,
    classify,
    parse_task_file,
    parse_task_text,
)
from mlrtui.store.tasks import (
    TaskFilter,
    ensure_examples,
    get_task,
    list_tasks,
    load_task_dir,
    set_category_override,
)

ROOT = Path(__file__).resolve().parents[3]


def test_parse_name_title_and_crlf() -> None:
    t = parse_task_text("neurips2031_quiet_gpus.md",
                        "\ufeff# Quiet GPUs Workshop\r\n\r\nFan noise and power in hardware.\r\n")
    assert (t.id, t.venue, t.year, t.slug) == ("neurips2031_quiet_gpus", "neurips", 2031,
                                               "quiet_gpus")
    assert t.title == "Quiet GPUs Workshop"
    assert "\r" not in t.body


def test_generic_heading_is_not_the_title() -> None:
    t = parse_task_text("icml2030_x.md", "# Overview\n\nThe Tiny Robots workshop studies arms.")
    assert t.title == "Tiny Robots Workshop"


@pytest.mark.parametrize("name,text,msg", [
    ("notatask.md", "# x", "name is not"),
    ("iclr2030_empty.md", "  \n", "empty"),
])
def test_bad_task_text(name: str, text: str, msg: str) -> None:
    with pytest.raises(TaskFileError, match=msg):
        parse_task_text(name, text)


def test_unreadable_and_binary_task_files(tmp_path: Path) -> None:
    bad = tmp_path / "iclr2030_bin.md"
    bad.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(TaskFileError, match=r"iclr2030_bin.md: not UTF-8"):
        parse_task_file(bad)
    with pytest.raises(TaskFileError, match="cannot read"):
        parse_task_file(tmp_path / "iclr2030_missing.md")


def test_classifier_explains_its_choice() -> None:
    c = classify("Workshop on Privacy Attacks", "Membership inference, privacy and fairness.")
    assert c.category == "Trustworthy AI"
    assert c.terms[0][0] == "privacy"
    assert "privacy" in c.explain()
    assert classify("Gardening", "Tomatoes and basil.").category == "Others"


def test_examples_cover_several_categories() -> None:
    tasks = [parse_task_file(p) for p in sorted((ROOT / "tasks").glob("*.md"))]
    assert 3 <= len(tasks) <= 5
    assert len({t.classification.category for t in tasks}) >= 3
    assert all(t.classification.category in CATEGORIES for t in tasks)


def test_store_roundtrip_filters_and_override(store, tmp_path: Path) -> None:
    assert ensure_examples(store, ROOT / "tasks") >= 3
    assert ensure_examples(store, ROOT / "tasks") == 0  # only on first start
    (tmp_path / "iclr2030_bad.md").write_text("")
    (tmp_path / "iclr2030_ok.md").write_text("# Robot Reward Games\n\nreinforcement learning")
    changed, problems = load_task_dir(store, tmp_path, "user")
    assert changed == 1 and len(problems) == 1 and "iclr2030_bad.md" in problems[0]
    assert [t.id for t in list_tasks(store, TaskFilter(year=2030))] == ["iclr2030_ok"]
    assert list_tasks(store, TaskFilter(search="robot games"))[0].id == "iclr2030_ok"
    assert list_tasks(store, TaskFilter(search="robot zebra")) == []
    set_category_override(store, "iclr2030_ok", "Others")
    assert get_task(store, "iclr2030_ok").category == "Others"
    assert get_task(store, "iclr2030_ok").category_auto == "Reinforcement Learning"
    # re-loading the file keeps the user's override
    load_task_dir(store, tmp_path, "user")
    assert get_task(store, "iclr2030_ok").category == "Others"
    with pytest.raises(ValueError):
        set_category_override(store, "iclr2030_ok", "Cooking")


def test_corpus_tasks_parse_and_spread(corpus: Path) -> None:
    tasks = [parse_task_file(p) for p in sorted((corpus / "tasks").glob("*.md"))]
    assert len(tasks) == 201
    counts: dict[str, int] = {}
    for t in tasks:
        counts[t.classification.category] = counts.get(t.classification.category, 0) + 1
    # The paper's hand labels put most tasks in these four; ours should agree broadly.
    big4 = sum(counts.get(c, 0) for c in ("Trustworthy AI", "AI for Science", "LLMs/VLMs",
                                           "ML Theory"))
    assert big4 >= 140, counts
