"""Transcript parsing and file origins, on fixtures of our own writing (plus the corpus)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from mlrtui.experiment.transcripts import (
    file_origins,
    parse_claude,
    parse_codex_log,
    parse_gemini,
    parse_transcript,
    sniff_agent,
)
from mlrtui.experiment.transcripts.shell import scan

FIX = Path(__file__).parent / "fixtures"
ROOT = "/home/tester/runs/task_a"


def fixture(name: str) -> bytes:
    return (FIX / name).read_bytes()


def test_claude_list_format_with_batch_heredoc_and_failed_edit():
    t = parse_claude(fixture("claude_list.json"), "claude_list.json", root=ROOT)
    assert (t.agent, t.format, t.model) == ("claude-code", "claude-list", "claude-test-1")
    assert t.problems == []
    assert t.cost_usd == pytest.approx(0.4321)
    assert (t.duration_s, t.duration_api_s) == (61.5, 59.0)
    # usage counted once per message id (m1, m2, m3), although each message repeats per block
    assert (t.input_tokens, t.output_tokens) == (16, 57)
    assert (t.cache_read_tokens, t.cache_write_tokens) == (250, 150)
    assert t.turns == 3 and t.final_text == "All done."
    # Batch: 3 invocations -> Read (no record), Write and Bash, each with its own output
    assert t.tool_calls == 3 + 6
    bash_in_batch = t.executions[0]
    assert (bash_in_batch.batch_index, bash_in_batch.output) == (2, "run.py")
    run_py = t.writes[0]
    assert (run_py.rel_path, run_py.batch_index, run_py.whole_file) == ("code/run.py", 1, True)
    notes = [w for w in t.writes if w.tool == "heredoc"]
    assert [(w.rel_path, w.content) for w in notes] == [("code/notes.txt", "line one\nline two\n")]
    timeout = t.executions[2]
    assert timeout.is_error is True and timeout.exit_code is None
    assert timeout.output.startswith("Command timed out")
    edits = [w for w in t.writes if w.tool == "Edit"]
    assert [(w.content, w.failed, w.whole_file) for w in edits] == [
        ("'acc': 2", False, False), ("never", True, False)]


def test_claude_stream_json_exit_code_multiedit_and_cwd_root():
    t = parse_claude(fixture("claude_stream.jsonl"), "s.jsonl")
    assert (t.format, t.model, t.session_id) == ("claude-stream-json", "claude-test-2", "sess-1")
    assert t.root == ROOT  # no root given: the init cwd is the workspace root
    assert t.cost_usd == pytest.approx(0.0123) and t.turns == 3
    assert (t.input_tokens, t.output_tokens, t.cache_read_tokens) == (9, 12, 13)
    (ex,) = t.executions
    assert (ex.exit_code, ex.is_error, ex.cwd) == (2, True, ROOT)
    (w,) = t.writes
    assert (w.tool, w.rel_path, w.content) == ("MultiEdit", "train.py", "b\nd")
    assert t.final_text == "Finished."


def test_claude_result_json_has_cost_only():
    t = parse_transcript(fixture("claude_result.json"), "r.json")
    assert (t.agent, t.format) == ("claude-code", "claude-json")
    assert t.cost_usd == pytest.approx(0.0123) and t.duration_s == 12.0
    assert t.executions == [] and t.writes == [] and t.problems == []


def test_truncated_claude_list_keeps_complete_messages():
    raw = fixture("claude_list.json")
    t = parse_claude(raw[: len(raw) * 2 // 3], "cut.json", root=ROOT)
    assert t.format == "claude-list"
    assert any("truncated" in p or "broken" in p for p in t.problems)
    assert any("no final result" in p for p in t.problems)
    assert all(p.startswith("cut.json: ") for p in t.problems)
    assert t.cost_usd is None and t.executions and t.writes


def test_broken_stream_line_is_one_problem_and_rest_is_kept():
    lines = fixture("claude_stream.jsonl").decode().splitlines()
    lines.insert(2, '{"type": "user", "message": {')
    t = parse_claude("\n".join(lines), "b.jsonl")
    (bad,) = [p for p in t.problems if "not JSON" in p]
    assert bad.startswith("b.jsonl: line 3: not JSON (")
    assert t.cost_usd == pytest.approx(0.0123) and len(t.executions) == 1


@pytest.mark.parametrize("raw", [b"", b"\xff\xfe garbage", b"[1, 2", b'{"type": "result"'])
def test_bad_input_never_raises(raw: bytes):
    t = parse_transcript(raw, "bad.bin", agent="claude-code")
    assert t.problems and all(p.startswith("bad.bin: ") for p in t.problems)


def test_zero_tool_transcript():
    items = [{"role": "user", "content": "hi"},
             {"id": "m", "role": "assistant", "model": "x", "content": [{"type": "text",
              "text": "hello"}], "usage": {"input_tokens": 1, "output_tokens": 2}},
             {"role": "system", "cost_usd": 0.001, "duration_ms": 10, "duration_api_ms": 9,
              "result": "hello"}]
    t = parse_claude(json.dumps(items))
    assert (t.tool_calls, t.executions, t.writes, t.problems) == (0, [], [], [])
    assert t.final_text == "hello" and t.output_tokens == 2


def test_huge_output_is_kept_whole_and_parsed_fast():
    big = "x" * 80 + "\n"
    output = big * 60_000  # ~5 MB of command output
    items = [{"id": "m", "role": "assistant", "content": [{"type": "tool_use", "id": "b",
              "name": "Bash", "input": {"command": "python noisy.py"}}]},
             {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "b",
              "content": output, "is_error": False}]}]
    raw = json.dumps(items)
    start = time.perf_counter()
    t = parse_claude(raw)
    assert time.perf_counter() - start < 2.0
    assert len(t.executions[0].output) == len(output)


def test_codex_log_exec_blocks_patches_and_tokens():
    t = parse_codex_log(fixture("codex.log"), "codex.log", root="task_b")
    assert (t.agent, t.format, t.model, t.workdir) == ("codex", "codex-log", "test-mini",
                                                      "/home/tester/runs")
    assert t.total_tokens == 2400 and t.final_text.startswith("Finished")
    ls, inline, run, cut = t.executions
    assert (ls.exit_code, ls.duration_s, ls.output) == (0, 0.012, "task.md")
    assert ls.started_at == "2025-03-01T10:00:02"
    assert inline.command.endswith("EOF\"") and inline.cwd == "/home/tester/runs"
    assert (inline.exit_code, inline.is_error, inline.duration_s) == (1, True, 62.0)
    assert "ValueError: bad" in inline.output
    assert (run.exit_code, run.duration_s) == (0, 2.5)
    assert (cut.exit_code, cut.output) == (None, "")
    assert t.problems == ["codex.log: 1 commands have no result line (interrupted?)"]
    added, modified = t.writes
    assert (added.rel_path, added.whole_file) == ("code/exp.py", True)
    assert added.content.startswith("import json\nfor k in range(3):")
    assert (modified.whole_file, modified.content) == (False, "import json  # patched")


def test_codex_exec_json():
    t = parse_transcript(fixture("codex_exec.jsonl"), "c.jsonl", root=ROOT)
    assert (t.agent, t.format, t.session_id) == ("codex", "codex-json", "th-9")
    assert (t.input_tokens, t.cache_read_tokens, t.output_tokens) == (100, 40, 9)
    (ex,) = t.executions
    assert (ex.exit_code, ex.output) == (0, "done\n")
    (w,) = t.writes  # the deletion is not a write
    assert (w.rel_path, w.content, w.whole_file) == ("run.py", None, True)
    assert t.final_text == "Ran it."


def test_gemini_formats():
    j = parse_transcript(fixture("gemini.json"), "g.json")
    assert (j.agent, j.format, j.model) == ("gemini-cli", "gemini-json", "gemini-test")
    assert (j.input_tokens, j.output_tokens, j.cache_read_tokens) == (1000, 50, 200)
    assert j.tool_calls == 4 and j.final_text == "The experiment ran."
    s = parse_gemini(fixture("gemini_stream.jsonl"), "g.jsonl", root=ROOT)
    assert (s.format, s.model, s.total_tokens) == ("gemini-stream-json", "gemini-test", 500)
    (w,) = s.writes
    assert (w.rel_path, w.content) == ("exp.py", "print('hi')\n")
    (ex,) = s.executions
    assert (ex.is_error, ex.output) == (True, "boom")
    assert s.final_text == "Done, with errors."
    txt = parse_transcript(fixture("gemini.txt"), "end2end_gemini-cli/gemini_log.log")
    assert (txt.format, txt.executions, txt.cost_usd) == ("gemini-text", [], None)
    assert txt.final_text.endswith("finished.")


def test_sniffing_unknown_text():
    assert sniff_agent(b"just some words") is None
    t = parse_transcript(b"just some words", "x.txt")
    assert t.problems == ["x.txt: unrecognised transcript format"]


@pytest.mark.parametrize(("command", "expected"), [
    ("cat > a.txt << 'EOF'\nhello\nEOF", [("a.txt", "heredoc", "hello\n", False, True)]),
    ("cat <<EOF >> /w/b.md\n# t\nEOF", [("/w/b.md", "heredoc", "# t\n", True, True)]),
    ("bash -lc \"echo 'hi there' > c.txt\"", [("c.txt", "echo", "hi there\n", False, True)]),
    ("printf 'x\\n' > d.txt", [("d.txt", "printf", "x\n", False, True)]),
    ("echo hi | tee -a e.log", [("e.log", "tee", "hi\n", True, True)]),
    ("python run.py 2>&1 | tee f.log", [("f.log", "tee", None, False, False)]),
    ("python run.py > g.log 2>/dev/null", [("g.log", "redirect", None, False, False)]),
    ("python - << 'PY'\nopen('x', 'w')\nPY", []),
])
def test_shell_write_recognition(command, expected):
    got = [(w.path, w.tool, w.content, w.append, w.typed) for w in scan(command, "/w").writes]
    assert got == expected


def test_shell_tracks_cd_and_moves():
    s = scan("cd /w/code && python main.py && mv out/*.png ../results/", "/w")
    assert s.cwd == "/w/code" and s.runs[0].script == "/w/code/main.py"
    assert (s.moves[0].sources, s.moves[0].dest) == (["/w/code/out/*.png"], "/w/results/")


def test_file_origins_last_writer_wins():
    t = parse_claude(fixture("claude_list.json"), "claude_list.json", root=ROOT)
    o = file_origins(t, ["code/run.py", "code/notes.txt", "results/log.txt",
                         "results/summary.md", "results/metrics.json", "results/other.png"])
    assert (o["code/run.py"].kind, o["code/run.py"].tool) == ("agent", "Edit")
    assert o["code/notes.txt"].content == "line one\nline two\n"
    assert o["results/log.txt"].kind == "execution"
    assert "redirects" in o["results/log.txt"].reason
    assert o["results/summary.md"].kind == "agent"
    assert o["results/metrics.json"].kind == "execution"
    assert "names '../results/metrics.json'" in o["results/metrics.json"].reason
    assert o["results/other.png"].kind == "unknown"


def test_file_origins_script_overwrites_agent_file_and_moves():
    W = "/w"
    items = [
        {"id": "1", "role": "assistant", "content": [
            {"type": "tool_use", "id": "a", "name": "Write", "input": {
                "file_path": f"{W}/out/res.json", "content": "{}"}},
            {"type": "tool_use", "id": "b", "name": "Write", "input": {
                "file_path": f"{W}/gen.py", "content":
                    "import json\nfor m in 'ab':\n"
                    "    json.dump({}, open(f'out/{m}_score.json', 'w'))\n"
                    "json.dump({}, open('out/res.json', 'w'))\n"}},
            {"type": "tool_use", "id": "c", "name": "Bash", "input": {
                "command": f"cd {W} && python gen.py"}},
            {"type": "tool_use", "id": "d", "name": "Bash", "input": {
                "command": f"mkdir -p {W}/final && mv {W}/out/res.json {W}/final/"}}]}]
    t = parse_claude(json.dumps(items), root=W)
    o = file_origins(t, ["final/res.json", "out/a_score.json", "out/x.json"])
    assert o["final/res.json"].kind == "execution" and o["final/res.json"].via == "out/res.json"
    assert "then mv" in o["final/res.json"].reason
    assert o["out/a_score.json"].kind == "execution"
    assert "{m}_score.json" in o["out/a_score.json"].reason
    assert o["out/x.json"].kind == "unknown"


# --- the reference corpus ------------------------------------------------------------------


def _claude_runs(corpus: Path) -> list[Path]:
    return sorted((corpus / "agent_results/experiments_and_writeups/claude").glob(
        "*/claude_output.json"))


def test_corpus_claude_transcripts(corpus: Path):
    runs = _claude_runs(corpus)
    assert len(runs) == 10
    total = 0.0
    for path in runs:
        t = parse_transcript(path.read_bytes(), path.name, root=path.parent.name)
        assert t.format == "claude-list" and t.problems == [], (path, t.problems)
        assert t.executions and t.writes, path
        assert all(w.rel_path for w in t.writes), path
        total += t.cost_usd
    print(f"sum of Claude Code costs: US${total:.2f}")
    assert round(total, 2) == 20.94


def test_corpus_codex_logs(corpus: Path):
    logs = sorted((corpus / "agent_results").glob("*/*/codex_log.log")) + sorted(
        (corpus / "agent_results").glob("*/*/*/codex_log.log"))
    assert len(logs) == 20
    for path in logs:
        t = parse_transcript(path.read_bytes(), str(path), root=path.parent.name)
        assert t.agent == "codex" and t.executions and t.writes, path
        assert t.total_tokens and t.model == "o4-mini", path
        assert not [p for p in t.problems if "unreadable" in p], t.problems
