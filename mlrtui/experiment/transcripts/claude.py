"""Claude Code transcripts in their three shapes.

- "claude-list": the older `--output-format json` of the MLR-Bench release, a JSON list of
  messages (assistant messages repeat once per content block, with the same id and usage) whose
  last element carries `cost_usd`, `duration_ms`, `duration_api_ms` and `result`;
- "claude-json": today's `--output-format json`, one `result` object (cost and usage only);
- "claude-stream-json": `--output-format stream-json --verbose`, JSON lines of `system`,
  `assistant`, `user` and a final `result` event.
"""

from __future__ import annotations

from typing import Any

from .events import EventWalk, Handler, begin, note_unreadable
from .jsonio import array_prefix, as_float, as_int, json_lines
from .model import Transcript


def parse_claude(raw: bytes | str, source: str = "", root: str | None = None) -> Transcript:
    """Parse any Claude Code output; `root` is the workspace root (see `model.resolve`)."""
    text, t = begin(raw, "claude-code", "unknown", source, root)
    if not text:
        return t
    if text.startswith("["):
        t.format = "claude-list"
        items, problem = array_prefix(text)
        if problem:
            t.problem(problem)
        _Reader(t, root).messages(items)
        return t
    objs, problems = json_lines(text)
    if len(objs) == 1 and not problems and objs[0].get("type") == "result":
        t.format = "claude-json"
        _result(t, objs[0])
        return t
    if not objs:
        t.problem("not a Claude Code transcript (no JSON object found)")
        return t
    t.format = "claude-stream-json"
    more = note_unreadable(t, problems)
    if more:
        t.problem(f"{more} more unreadable lines")
    _Reader(t, root).walk(objs)
    return t


def _result(t: Transcript, r: dict[str, Any]) -> None:
    """The final result object (new) or summary element (old list format)."""
    cost = r.get("total_cost_usd", r.get("cost_usd"))
    t.cost_usd = as_float(cost)
    if isinstance(r.get("duration_ms"), (int, float)):
        t.duration_s = r["duration_ms"] / 1000
    if isinstance(r.get("duration_api_ms"), (int, float)):
        t.duration_api_s = r["duration_api_ms"] / 1000
    t.turns = as_int(r.get("num_turns")) or t.turns
    if isinstance(r.get("result"), str):
        t.final_text = r["result"]
    if isinstance(r.get("session_id"), str):
        t.session_id = r["session_id"]
    usage = r.get("usage")
    if isinstance(usage, dict):
        _set_usage(t, usage)
    if r.get("is_error") is True:
        t.problem(f"agent run ended with an error ({r.get('subtype', 'error')})")


def _set_usage(t: Transcript, u: dict[str, Any]) -> None:
    t.input_tokens = as_int(u.get("input_tokens"))
    t.output_tokens = as_int(u.get("output_tokens"))
    t.cache_read_tokens = as_int(u.get("cache_read_input_tokens"))
    t.cache_write_tokens = as_int(u.get("cache_creation_input_tokens"))


class _Reader(EventWalk):
    """Walks messages (the list format) or stream events; sums usage once per assistant
    message id."""

    def __init__(self, t: Transcript, root: str | None) -> None:
        super().__init__(t, root)
        self.usage: dict[str, dict[str, Any]] = {}
        self.last_text: str | None = None
        self.got_result = False

    def messages(self, items: list[Any]) -> None:
        for item in items:
            if not isinstance(item, dict):
                continue
            if item.get("role") == "system" or "cost_usd" in item or item.get("type") == "result":
                self.result(item)
            elif item.get("role") == "assistant":
                self.assistant(item)
            elif item.get("role") == "user":
                self.user(item)
        self.finish()

    def handlers(self) -> dict[str, Handler]:
        return {"system": self.system, "assistant": lambda ev: self.assistant(_message(ev)),
                "user": lambda ev: self.user(_message(ev)), "result": self.result}

    def system(self, ev: dict[str, Any]) -> None:
        if ev.get("subtype") != "init":
            return
        self.t.model = ev.get("model") or self.t.model
        self.t.session_id = ev.get("session_id") or self.t.session_id
        if isinstance(ev.get("cwd"), str):
            self.t.workdir = self.calls.cwd = ev["cwd"]
            if self.root is None:
                self.calls.root = self.t.root = ev["cwd"]

    def result(self, r: dict[str, Any]) -> None:
        _result(self.t, r)
        self.got_result = True

    def assistant(self, msg: dict[str, Any]) -> None:
        if isinstance(msg.get("model"), str) and msg["model"] != "<synthetic>":
            self.t.model = msg["model"]
        if isinstance(msg.get("usage"), dict):
            self.usage[str(msg.get("id") or len(self.usage))] = msg["usage"]
        for block in msg.get("content") if isinstance(msg.get("content"), list) else []:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "tool_use":
                self.calls.use(str(block.get("id")), str(block.get("name")), block.get("input"))
            elif block.get("type") == "text" and isinstance(block.get("text"), str):
                self.last_text = block["text"]

    def user(self, msg: dict[str, Any]) -> None:
        for block in msg.get("content") if isinstance(msg.get("content"), list) else []:
            if isinstance(block, dict) and block.get("type") == "tool_result":
                err = block.get("is_error")
                self.calls.result(str(block.get("tool_use_id")), block.get("content"),
                                  err if isinstance(err, bool) else None)

    def finish(self) -> None:
        super().finish()
        if self.t.turns is None and self.usage:
            self.t.turns = len(self.usage)
        if self.t.input_tokens is None and self.usage:
            sums = {k: sum(as_int(u.get(k)) or 0 for u in self.usage.values())
                    for k in ("input_tokens", "output_tokens", "cache_read_input_tokens",
                              "cache_creation_input_tokens")}
            _set_usage(self.t, sums)
        if self.t.final_text is None:
            self.t.final_text = self.last_text
        if not self.got_result:
            self.t.problem("no final result record (cost and duration unknown)")


def _message(ev: dict[str, Any]) -> dict[str, Any]:
    return ev["message"] if isinstance(ev.get("message"), dict) else {}
