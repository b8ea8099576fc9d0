"""Audit of code and result files for results that were typed in, drawn at random or simulated.

Line-based and offline: each finding names the file, the line and the judges' hallucination type.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath

from mlrtui.provenance.model import CodeFile, Doc, Evidence, Finding

_METRIC = (r"(?:acc|accuracy|f1|auc|auroc|precision|recall|bleu|rouge\w*|score|loss|error|mse|rmse"
           r"|mae|perplexity|ppl|reward|success_rate|win_rate|pass_at_\d|ece|fid|correlation)")
_NOT_RESULT = re.compile(r"thresh|lr|learning|weight|alpha|beta|target|min_|max_|init|patience|"
                         r"margin|tol|eps|clip|scale|coef|lambda|temperature|smoothing|decay", re.IGNORECASE)
_ASSIGN = re.compile(rf"^\s*(\w*{_METRIC}\w*)\s*=\s*(-?\d+\.\d+)\s*(?:#.*)?$", re.IGNORECASE)
_DICT = re.compile(rf"""["'](\w*{_METRIC}\w*)["']\s*:\s*(-?\d*\.\d+)""", re.IGNORECASE)
_PRINT = re.compile(rf"""print\(\s*f?["'][^"'{{]*{_METRIC}[^"'{{]*?(-?\d+\.\d+)""", re.IGNORECASE)
_RANDOM = re.compile(r"\b(?:np\.)?random\.(?:uniform|normal|rand|randn|random|beta|randint)\(|"
                     r"\btorch\.rand[n]?\(")
_RANDOM_RESULT = re.compile(rf"(\w*{_METRIC}\w*)\W.*{_RANDOM.pattern}", re.IGNORECASE)
_TRAINING = re.compile(r"\.backward\(|\.fit\(|\.train\(|optimizer|\.step\(|\.predict\(|"
                       r"\.generate\(|evaluate\(|trainer|model\(|\.eval\(\)|inference|"
                       r"chat\.completions|requests\.post|client\.", re.IGNORECASE)
_WORDS = re.compile(r"\b(simulat\w*|placeholder|mock(?:ed)?|hypothetical|projected|fabricat\w*|"
                    r"fake|dummy|synthetic (?:results?|metrics?|scores?|numbers?))\b", re.IGNORECASE)
_RESULT_FILE = re.compile(r"(^|/)(results?|metrics?|scores?|eval\w*)[^/]*\.(json|csv|tsv|txt|log)$",
                          re.IGNORECASE)
_FIGURE = re.compile(r"\.(png|pdf|svg|jpe?g)$", re.IGNORECASE)


def _f(kind: str, file: str, line: int, snippet: str, severity: str, typ: str,
       detail: str = "") -> Finding:
    return Finding(kind, file, line, snippet.strip()[:200], severity, typ, detail)  # type: ignore[arg-type]


def audit_code(code: Sequence[CodeFile]) -> list[Finding]:
    """Hard-coded metric values, results drawn at random without training, simulation words."""
    out: list[Finding] = []
    for cf in code:
        trains = bool(_TRAINING.search(cf.text))
        dict_hits: list[tuple[int, str]] = []
        for n, line in enumerate(cf.text.splitlines(), start=1):
            m = _ASSIGN.match(line)
            # "best_f1 = 0.0" starts a running best or total: not a typed-in result
            if m and not _NOT_RESULT.search(m.group(1)) and abs(float(m.group(2))) not in (0, 1):
                out.append(_f("hard-coded metric", cf.name, n, line, "medium", "faked_results",
                              f"{m.group(1)} is set to the literal {m.group(2)}"))
            for m in _DICT.finditer(line):
                if not _NOT_RESULT.search(m.group(1)):
                    dict_hits.append((n, line))
            m = _PRINT.search(line)
            if m:
                out.append(_f("printed literal", cf.name, n, line, "medium", "faked_results",
                              f"a metric printed from the literal {m.group(1)}"))
            if _RANDOM_RESULT.search(line) and not _NOT_RESULT.search(line.split("=")[0]):
                sev = "medium" if trains else "high"
                out.append(_f("random results", cf.name, n, line, sev, "faked_results",
                              "a metric drawn from a random generator" +
                              ("" if trains else " in a file with no training or evaluation")))
            w = _WORDS.search(line)
            if w and not line.lstrip().startswith(("import", "from")):
                out.append(_f("simulation word", cf.name, n, line, "medium", "faked_results",
                              f"'{w.group(1)}' in code"))
        out += _dict_clusters(cf.name, dict_hits)
    return merge_findings(out)


_SEVERITY = {"low": 0, "medium": 1, "high": 2}


def merge_findings(findings: list[Finding]) -> list[Finding]:
    """One finding per kind and file: the first line as its place, the worst severity, and
    the other lines named in the detail (a file saying "simulated" 30 times is one finding)."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.kind, f.file), []).append(f)
    out = []
    for group in groups.values():
        first = group[0]
        if len(group) == 1:
            out.append(first)
            continue
        worst = max(group, key=lambda f: _SEVERITY[f.severity]).severity
        lines = [str(f.line) for f in group[1:9]] + (["…"] if len(group) > 9 else [])
        detail = f"{first.detail}; {len(group) - 1} more line(s): {', '.join(lines)}"
        out.append(Finding(first.kind, first.file, first.line, first.snippet, worst,
                           first.hallucination, detail))
    return out


def _dict_clusters(name: str, hits: list[tuple[int, str]]) -> list[Finding]:
    """Two or more metric literals within a few lines: a dict of typed-in results."""
    out, start = [], 0
    for k in range(1, len(hits) + 1):
        if k == len(hits) or hits[k][0] - hits[k - 1][0] > 5:
            if k - start >= 2:
                n, line = hits[start]
                out.append(_f("results literals", name, n, line, "high", "faked_results",
                              f"{k - start} metric values written as literals"))
            start = k
    return out


def audit_results(docs: Sequence[Doc], evidence: Sequence[Evidence],
                  artifacts: Sequence[str], code: Sequence[CodeFile]) -> list[Finding]:
    """Simulation words in write-ups, result files typed by the agent, figures no code wrote."""
    out: list[Finding] = []
    for doc in docs:
        for n, line in enumerate(doc.text.splitlines(), start=1):
            w = _WORDS.search(line)
            if w:
                out.append(_f("simulation word", doc.name, n, line, "high", "faked_results",
                              f"'{w.group(1)}' in a results document"))
    for ev in evidence:
        if ev.origin == "agent" and _RESULT_FILE.search(ev.name):
            out.append(_f("typed result file", ev.name, 1, ev.text[:120], "high", "faked_results",
                          "a result file written by the agent, not produced by an execution"))
    code_text = "\n".join(c.text for c in code)
    ran_text = "\n".join(e.text for e in evidence if e.origin == "execution")
    writes_figures = bool(re.search(r"savefig|write_image|\.save\(", code_text))
    for name in artifacts:
        if not _FIGURE.search(name):
            continue
        stem = PurePosixPath(name).stem
        if stem in code_text or stem in ran_text:
            continue
        sev, detail = ("low", "its name is not in any code (maybe built by a format string)") \
            if writes_figures else ("medium", "no code of the run saves figures")
        out.append(_f("figure without code", name, 0, name, sev, "faked_results", detail))
    return merge_findings(out)
