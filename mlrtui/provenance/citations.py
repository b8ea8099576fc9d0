"""Offline citation checks: malformed or impossible arXiv ids and DOIs, contradictory references."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from mlrtui.provenance.model import Doc, Finding

_ARXIV = re.compile(r"(?:arxiv(?:\.org/(?:abs|pdf)/|\s*:\s*|\s+(?:preprint\s+)?(?:arxiv:)?)"
                    r")(\S+)", re.IGNORECASE)
_NEW_ID = re.compile(r"(\d{2})(\d{2})\.(\d{4,5})(?:v\d+)?")
_OLD_ID = re.compile(r"[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?")
_DOI = re.compile(r"(?:\bdoi\s*:\s*|https?://(?:dx\.)?doi\.org/)(\S+)", re.IGNORECASE)
_DOI_OK = re.compile(r"10\.\d{4,9}/[-._;()/:A-Za-z0-9<>\[\]]+")
_REFS = re.compile(r"^(?:#{1,6}\s*)?(?:\d+\.?\s*)?\**(references|bibliography)\**\s*:?\s*$", re.IGNORECASE)
_TITLE = re.compile(r"[“\"]([^”\"]{8,})[”\"]|\*([^*]{8,})\*")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")


def _f(kind: str, doc: str, line: int, snippet: str, severity: str, detail: str) -> Finding:
    return Finding(kind, doc, line, snippet.strip()[:200], severity,  # type: ignore[arg-type]
                   "nonexistent_citation", detail)


def check_ids(doc: Doc, run_date: date | None) -> list[Finding]:
    """arXiv ids with a month 13, too few digits or a date after the run; DOIs not '10.x/y'."""
    out = []
    for n, line in enumerate(doc.text.splitlines(), start=1):
        for m in _ARXIV.finditer(line):
            ident = m.group(1).rstrip(".,;:)]}>*_\"'”")
            if not ident or not ident[0].isdigit() and not _OLD_ID.fullmatch(ident):
                if ident[:1].isdigit() or ident.lower().startswith(("abs", "pdf")):
                    out.append(_f("malformed arXiv id", doc.name, n, line, "medium", ident))
                continue
            if _OLD_ID.fullmatch(ident):
                continue
            problem = _arxiv_problem(ident, run_date)
            if problem:
                out.append(_f(problem[0], doc.name, n, line, problem[1],
                              f"arXiv:{ident}: {problem[2]}"))
        for m in _DOI.finditer(line):
            ident = m.group(1).rstrip(".,;)]}>")
            if not _DOI_OK.fullmatch(ident):
                out.append(_f("malformed DOI", doc.name, n, line, "medium", ident))
    return out


def _arxiv_problem(ident: str, run_date: date | None) -> tuple[str, str, str] | None:
    m = _NEW_ID.fullmatch(ident)
    if not m:
        return ("malformed arXiv id", "medium", "not of the form YYMM.NNNNN")
    yy, mm, num = int(m.group(1)), int(m.group(2)), m.group(3)
    if not 1 <= mm <= 12:
        return ("impossible arXiv id", "high", f"month {mm:02d} does not exist")
    if (yy, mm) < (7, 4):
        return ("impossible arXiv id", "high", "new-style ids start in April 2007")
    if yy >= 15 and len(num) != 5 or yy < 15 and len(num) != 4:
        return ("malformed arXiv id", "medium", "wrong number of digits for its year")
    if run_date and (2000 + yy, mm) > (run_date.year, run_date.month):
        return ("future arXiv id", "high", (f"dated 20{yy:02d}-{mm:02d}, after the run "
                                            f"({run_date.isoformat()})"))
    return None


def _references(doc: Doc) -> list[tuple[int, str]]:
    lines, out, inside = doc.text.splitlines(), [], False
    for n, line in enumerate(lines, start=1):
        if _REFS.match(line.strip()):
            inside = True
            continue
        if inside and line.startswith("#"):
            break
        if inside and line.strip():
            out.append((n, line.strip()))
    return out


def _title(entry: str) -> str:
    m = _TITLE.search(entry)
    text = (m.group(1) or m.group(2)) if m else (entry.split(". ")[1] if ". " in entry else "")
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def check_references(doc: Doc) -> list[Finding]:
    """The same title twice with different years or ids; one arXiv id under two titles."""
    by_title: dict[str, list[tuple[int, str]]] = defaultdict(list)
    by_id: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for n, entry in _references(doc):
        title = _title(entry)
        if len(title) >= 12:
            by_title[title].append((n, entry))
        for m in _ARXIV.finditer(entry):
            by_id[_NEW_ID.match(m.group(1)).group(0) if _NEW_ID.match(m.group(1)) else ""].append(
                (n, title))
    out = []
    for entries in by_title.values():
        if len(entries) < 2:
            continue
        years = {tuple(_YEAR.findall(e)[-1:]) for _, e in entries}
        ids = {tuple(_NEW_ID.findall(e)) for _, e in entries}
        n, entry = entries[1]
        if len(years) > 1 or len(ids) > 1:
            out.append(_f("contradicting references", doc.name, n, entry, "medium",
                          f"same title as line {entries[0][0]} with another year or id"))
        else:
            out.append(_f("duplicate reference", doc.name, n, entry, "low",
                          f"same reference as line {entries[0][0]}"))
    for ident, entries in by_id.items():
        titles = {t for _, t in entries if t}
        if ident and len(titles) > 1:
            n = entries[1][0]
            out.append(_f("one id, two titles", doc.name, n, f"arXiv:{ident}", "medium",
                          f"arXiv:{ident} is cited under {len(titles)} different titles"))
    return out


def check_citations(docs: list[Doc], run_date: date | None = None) -> list[Finding]:
    """All citation findings of all documents."""
    out: list[Finding] = []
    for doc in docs:
        out += check_ids(doc, run_date) + check_references(doc)
    return out
