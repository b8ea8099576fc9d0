"""Shared test helpers for the stages tests: task rows and a loopback responder that plays a
research agent (our own toy replies, keyed on which prompt template it sees)."""

from __future__ import annotations

from loopback import wire

from mlrtui.store.db import Store

GOOD_CODE = '''```python
import numpy as np
rng = np.random.default_rng(0)
x = rng.normal(size=200)
print("accuracy:", round(float((x > -0.5).mean()), 3))
with open("plot.png", "wb") as fh:
    fh.write(b"\\x89PNG\\r\\n\\x1a\\n fake image")
```'''
BAD_CODE = "```python\nimport numpy as np\nraise ValueError('shape mismatch in toy model')\n```"


def add_task(store: Store, task_id: str, body: str = "A workshop on toy problems.") -> str:
    venue = task_id.split("20")[0]
    store.insert("tasks", {"id": task_id, "venue": venue, "year": 2026, "slug": task_id,
                           "title": f"Toy workshop {task_id}", "body": body,
                           "category": "Others", "source": "user", "content_hash": "x",
                           "created_at": "now"}, ignore=True)
    return task_id


def which_prompt(rec) -> str:
    text = wire.request_text(rec.protocol, rec.body)
    for key, marker in (("repair", "This script failed"), ("results", "Write results.md"),
                        ("code", "Write ONE Python script"), ("paper", "Write the paper"),
                        ("proposal", "Turn the idea into a proposal"),
                        ("literature", "short literature review"), ("idea", "Propose ONE")):
        if marker in text:
            return key
    return "other"


def agent_responder(code_replies: list[str] | None = None):
    """Replies per prompt kind; experiment code replies are served in order (repairs too)."""
    codes = list(code_replies or [GOOD_CODE])

    def respond(rec):
        kind = which_prompt(rec)
        if kind in ("code", "repair"):
            return codes.pop(0) if len(codes) > 1 else codes[0]
        if kind == "results":
            return "## Results\n\n| metric | value |\n|---|---|\n| accuracy | see output |\n"
        if kind == "paper":
            return ("# A toy paper\n\n## Results\n\n![accuracy plot](plot.png)\n\n"
                    "![made up](figures/missing.png)\n")
        return f"## {kind.title()}\n\nA {kind} written by the loopback model.\n"

    return respond
