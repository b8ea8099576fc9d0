"""Provenance check over the reference corpus, without the database: claims per verdict and time.

    python bench/provenance_corpus.py [CORPUS] [--show RUN]   (CORPUS defaults to ../shared/mlrbench)

Run folders are read by simple rules: codex logs are split into command outputs (execution) and
apply_patch bodies (agent); Claude transcripts give tool_result texts (execution) and Write/Edit
inputs (agent); a file shown by cat/head/Read that the agent wrote or a .md stays agent-typed.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

from mlrtui.provenance import CodeFile, Doc, Evidence, check

DATA = {".log", ".txt", ".json", ".csv", ".tsv", ".out"}
_EXEC = re.compile(r"^\[[\d\-T:]+\] (?:(bash -lc .*)|apply_patch auto_approved=true:)$")
_DONE = re.compile(r"(?:succeeded|exited -?\d+) in [\d.]+m?s:$")
_STAMP = re.compile(r"^\[\d{4}-\d{2}-\d{2}T[\d:]+\] ")
_VIEW = re.compile(r"\b(?:cat|head|tail|sed|less|more|nl)\b[^|;&]*?([\w./-]+\.\w+)")


def _read(p: Path, cap: int = 5_000_000) -> str:
    return p.read_bytes()[:cap].decode("utf-8", "replace")


def codex_log(path: Path) -> tuple[list[Evidence], set[str]]:
    """Command outputs (execution) and patched files (agent) of a codex transcript."""
    out: list[Evidence] = []
    typed: set[str] = set()
    lines = _read(path).splitlines()
    i = 0
    while i < len(lines):
        m = _EXEC.match(lines[i])
        if not m:
            i += 1
            continue
        k = i
        if m.group(1) is not None:  # the command may span lines (heredocs) up to "... in 9ms:"
            while k < len(lines) and not _DONE.search(lines[k]):
                k += 1
            if k == len(lines):
                break
        j = k + 1
        while j < len(lines) and not _STAMP.match(lines[j]):
            j += 1
        body = "\n".join(lines[k + 1:j])
        if m.group(1) is None:
            names = re.findall(r"^[AM] (\S+)", body, re.MULTILINE)
            typed.update(Path(n).name for n in names)
            out.append(Evidence(f"{path.name}:{i + 1} patch {' '.join(names)[:80]}", body, "agent"))
        else:
            cmd = "\n".join(lines[i:k + 1])
            viewed = _VIEW.findall(cmd)
            origin = "agent" if any(v.endswith(".md") or Path(v).name in typed
                                    for v in viewed) else "execution"
            typed.update(re.findall(r"cat\s*>+\s*([\w./-]+)", cmd))
            out.append(Evidence(f"{path.name}:{i + 1}", body, origin, len(out)))
        i = j
    return out, typed


def claude_log(path: Path) -> tuple[list[Evidence], set[str]]:
    """tool_result texts (execution) and Write/Edit inputs (agent) of a Claude Code transcript."""
    msgs = json.loads(_read(path, 50_000_000))
    uses: dict[str, dict] = {}
    out: list[Evidence] = []
    typed: set[str] = set()
    for msg in msgs:
        content = msg.get("content")
        if not isinstance(content, list):
            continue
        for block in content:
            if block.get("type") == "tool_use":
                uses[block["id"]] = block
                inp = block.get("input") or {}
                calls = [inp] + [c.get("input", {}) for c in inp.get("invocations", [])]
                for call in calls:
                    text = call.get("content") or call.get("new_string") or ""
                    if call.get("file_path") and text:
                        typed.add(Path(call["file_path"]).name)
                        out.append(Evidence(f"Write {call['file_path']}", text, "agent"))
            elif block.get("type") == "tool_result":
                use = uses.get(block.get("tool_use_id"), {})
                text = block.get("content")
                if not isinstance(text, str):
                    text = "\n".join(b.get("text", "") for b in text or [] if isinstance(b, dict))
                inp = json.dumps(use.get("input", {}))
                viewed = re.findall(r"([\w.-]+\.\w+)", inp) if (
                    use.get("name") in ("Read", "Batch") or _VIEW.search(inp)) else []
                origin = "agent" if any(v.endswith(".md") or v in typed for v in viewed) \
                    else "execution"
                out.append(Evidence(f"tool_result {use.get('name', '?')} #{len(out)}", text,
                                    origin, len(out)))
    return out, typed


def load_run(run: Path) -> tuple[list[Doc], list[Evidence], list[CodeFile], list[str]]:
    """Docs, evidence, code and file names of one run folder."""
    evidence: list[Evidence] = []
    typed: set[str] = set()
    for log in ("codex_log.log",):
        if (run / log).is_file():
            ev, typed = codex_log(run / log)
            evidence += ev
    if (run / "claude_output.json").is_file():
        ev, typed = claude_log(run / "claude_output.json")
        evidence += ev
    if (run / "gemini_log.log").is_file():
        evidence.append(Evidence("gemini_log.log", _read(run / "gemini_log.log"), "unknown"))
    docs = [Doc(str(p.relative_to(run)), _read(p)) for p in sorted((run / "results").glob("*.md"))]
    code, artifacts = [], []
    for p in sorted(run.rglob("*")):
        rel = str(p.relative_to(run))
        if not p.is_file() or p.name in ("codex_log.log", "claude_output.json", "gemini_log.log"):
            continue
        artifacts.append(rel)
        if p.suffix == ".py":
            code.append(CodeFile(rel, _read(p)))
        elif p.suffix in DATA and "token_usage" not in p.name:
            origin = "agent" if p.name in typed else "execution"
            evidence.append(Evidence(rel, _read(p), origin))
    return docs, evidence, code, artifacts


def runs(corpus: Path) -> list[Path]:
    base = corpus / "agent_results"
    found = [p for p in sorted((base / "end2end_codex").iterdir()) if p.is_dir()]
    found += [p for p in sorted((base / "end2end_gemini-cli").iterdir()) if p.is_dir()]
    for agent in ("claude", "codex"):
        found += [p for p in sorted((base / "experiments_and_writeups" / agent).iterdir())
                  if p.is_dir()]
    return found


def main(argv: list[str]) -> int:
    show = argv[argv.index("--show") + 1] if "--show" in argv else None
    args = [a for a in argv if not a.startswith("--") and a != show]
    corpus = Path(args[0] if args else Path(__file__).resolve().parents[1] / ".." / "shared" /
                  "mlrbench").resolve()
    if not (corpus / "agent_results").is_dir():
        print(f"{corpus}: no agent_results folder (pass the corpus path)", file=sys.stderr)
        return 2
    total, start = {}, time.perf_counter()
    print(f"{'run':48} claims traced derived contra untraced weak audit cites  secs")
    for run in runs(corpus):
        name = f"{run.parent.name.replace('experiments_and_writeups', 'ew')}/{run.name}"
        t0 = time.perf_counter()
        docs, evidence, code, artifacts = load_run(run)
        report = check(docs, evidence, code, None, artifacts)
        dt = time.perf_counter() - t0
        c = report.counts()
        for k, v in c.items():
            total[k] = total.get(k, 0) + v
        print(f"{name:48} {c['claims']:6} {c['traced']:6} {c['derived']:7} {c['contradicted']:6}"
              f" {c['untraced']:8} {c['weak']:4} {len(report.audit):5} {len(report.citations):5}"
              f" {dt:5.2f}")
        if show and show in str(run):
            print(report.to_json_lines())
    print(f"{'TOTAL':48} {total.get('claims', 0):6} {total.get('traced', 0):6} "
          f"{total.get('derived', 0):7} {total.get('contradicted', 0):6} "
          f"{total.get('untraced', 0):8} {total.get('weak', 0):4}   wall {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
