"""MLR-Bench task files (`<venue><year>_<slug>.md`) and a transparent topic classifier.

The classifier is a weighted keyword count over the title (x3) and the body; the category with
the highest score wins and the terms that contributed most are kept as its explanation. A user
override always wins over it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from mlrtui.kernel.sanitize import clean_text

CATEGORIES = [
    "LLMs/VLMs",
    "AI for Science",
    "ML Theory",
    "Trustworthy AI",
    "Computer Vision",
    "ML Systems",
    "Multimodality",
    "Reinforcement Learning",
    "Others",
]

# category -> {term: weight}. Terms are matched as lower-case word prefixes.
CATEGORY_TERMS: dict[str, dict[str, float]] = {
    "LLMs/VLMs": {
        "large language model": 3, "language model": 2, "llm": 2, "foundation model": 2,
        "vision-language": 3, "vlm": 3, "instruction tun": 2, "prompt": 1, "in-context": 2,
        "pretrain": 1, "fine-tun": 1, "transformer": 1, "tokeniz": 1, "reasoning": 1,
        "code generation": 2, "natural language": 1, "chatbot": 1, "agent": 1,
    },
    "AI for Science": {
        "scientific": 2, "science": 1.5, "physics": 2, "chemistry": 2, "molecul": 2.5,
        "protein": 2.5, "biolog": 2, "drug": 2.5, "material": 2, "climate": 2.5, "earth": 1.5,
        "medical": 2, "health": 2, "clinical": 2, "genom": 2.5, "neuroscience": 2,
        "weather": 2, "flood": 2, "hydrolog": 2.5, "forecast": 1, "satellite": 1.5, "ocean": 2, "agricultur": 2, "pde": 2, "simulation": 1, "discovery": 1, "ecolog": 2, "astronom": 2,
    },
    "ML Theory": {
        "theory": 2, "theoretical": 2, "generaliz": 1, "optimization": 1.5, "convergence": 2,
        "bound": 1, "learning dynamics": 2.5, "overparameter": 2.5, "statistical": 1.5,
        "causal": 1.5, "probabilistic": 1.5, "bayesian": 1.5, "kernel": 1.5, "geometry": 1.5,
        "topolog": 1.5, "sampling": 1, "symmetr": 1.5, "scaling law": 2, "mathemat": 1.5,
        "differential equation": 1.5, "graph": 1, "structured": 1, "representation": 1,
    },
    "Trustworthy AI": {
        "trustworth": 3, "safety": 2.5, "privacy": 3, "fairness": 3, "robust": 2,
        "alignment": 2, "interpretab": 2.5, "explainab": 2.5, "security": 2.5, "adversarial": 2,
        "backdoor": 3, "ethic": 2, "accountab": 2, "transparen": 1.5, "bias": 1.5,
        "red team": 3, "watermark": 2.5, "uncertainty": 1.5, "governance": 2, "societ": 1.5,
        "human-ai": 1.5, "misinformation": 2, "attribution": 1.5, "harm": 1.5, "data": 0.5,
    },
    "Computer Vision": {
        "computer vision": 3, "driving": 2, "perception": 1.5, "image": 1.5, "video": 1.5, "visual": 1, "3d": 1.5,
        "scene": 1.5, "segmentation": 2.5, "object detection": 2.5, "pixel": 1.5, "camera": 1.5,
        "generative model": 1, "diffusion": 1,
    },
    "ML Systems": {
        "system": 0.75, "hardware": 2.5, "compiler": 2.5, "efficien": 1, "distributed": 2,
        "gpu": 2, "accelerat": 2, "inference": 0.5, "memory": 0.5, "sparsity": 2, "quantiz": 2.5,
        "compression": 2, "serving": 2, "latency": 1.5, "throughput": 1.5, "federated": 2,
        "edge device": 2, "on-device": 2, "scalab": 1,
    },
    "Multimodality": {
        "multimodal": 3, "multi-modal": 3, "modalit": 2, "audio": 2, "speech": 2, "sound": 1.5,
        "cross-modal": 3, "music": 2,
    },
    "Reinforcement Learning": {
        "reinforcement learning": 3, "rl": 2.5, "reward": 2, "policy": 0.75, "agent": 1, "environment": 0.5,
        "decision making": 2, "decision-making": 2, "control": 0.75, "robot": 2, "bandit": 2.5,
        "markov": 2, "planning": 1, "exploration": 1.5, "game": 1, "offline rl": 3,
    },
}

# Below this winning score a task is "Others": nothing in it points clearly anywhere.
MIN_SCORE = 4.0

TASK_NAME = re.compile(r"^(?P<venue>[a-z]+)(?P<year>\d{4})_(?P<slug>[A-Za-z0-9_\-]+)\.md$")
_GENERIC_HEADINGS = {"overview", "introduction", "about", "description", "workshop description",
                     "call for papers", "summary", "abstract", "topics", "scope",
                     "about the workshop", "subject areas", "workshop overview", "background",
                     "motivation", "important dates", "workshop summary", "objective",
                     "objectives", "aims", "aim", "goals", "call for submissions", "tracks",
                     "workshop direction", "description of the workshop"}


class TaskFileError(Exception):
    """A task file that cannot be used; the message is one line naming the file."""


@dataclass
class Classification:
    category: str
    score: float
    terms: list[tuple[str, float]] = field(default_factory=list)  # (term, contribution)
    runner_up: str | None = None

    def explain(self) -> str:
        if not self.terms:
            return f"{self.category}: no topic terms matched strongly enough"
        top = ", ".join(f"{t} ({c:g})" for t, c in self.terms[:6])
        return f"{self.category} (score {self.score:g}): {top}"


@dataclass
class Task:
    id: str
    venue: str
    year: int
    slug: str
    title: str
    body: str
    classification: Classification
    path: str | None = None
    problems: list[str] = field(default_factory=list)   # one line each: what was fixed on read

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()


def _count(term: str, text: str) -> int:
    """Occurrences of term at a word start (a prefix match: "robust" counts "robustness")."""
    count, start = 0, text.find(term)
    while start != -1:
        if start == 0 or not text[start - 1].isalnum():
            count += 1
        start = text.find(term, start + 1)
    return count


def classify(title: str, body: str) -> Classification:
    """Score every category by weighted term counts (title counts three times)."""
    title_l, body_l = title.lower(), body.lower()
    scored: list[tuple[float, str, list[tuple[str, float]]]] = []
    for category, terms in CATEGORY_TERMS.items():
        contributions = []
        for term, weight in terms.items():
            hits = 3 * _count(term, title_l) + min(_count(term, body_l), 6)
            if hits:
                contributions.append((term, round(weight * hits, 2)))
        contributions.sort(key=lambda tc: -tc[1])
        scored.append((round(sum(c for _, c in contributions), 2), category, contributions))
    scored.sort(key=lambda s: -s[0])
    best, runner = scored[0], scored[1]
    if best[0] < MIN_SCORE:
        return Classification("Others", best[0], best[2], runner_up=best[1])
    return Classification(best[1], best[0], best[2], runner_up=runner[1])


def _title(body: str, venue: str, year: int, slug: str) -> str:
    for line in body.splitlines():
        m = re.match(r"^#{1,3}\s+(.+?)\s*#*\s*$", line)
        if m:
            heading = re.sub(r"[*_`]", "", m.group(1)).strip()
            if heading.lower().rstrip(":") not in _GENERIC_HEADINGS:
                return heading[:200]
    m = re.search(r"\b(?:[Tt]he )?([A-Z0-9][\w\-&:]* (?:(?:[A-Z0-9][\w\-&:]*|for|of|and|in|on|&) ){0,7}?"
                  r"[A-Z0-9][\w\-&]*|[A-Z0-9][\w\-&]*) [Ww]orkshop",
                  body[:2000])
    if m and m.group(1).lower() not in {"this", "our", "a", "an", "that", "each"}:
        return f"{m.group(1).strip()} Workshop"
    return f"{slug.replace('_', ' ').upper()} ({venue.upper()} {year})"


def parse_task_text(name: str, text: str, path: str | None = None) -> Task:
    """Parse a task from its file name and markdown; raises TaskFileError for a bad name or body."""
    m = TASK_NAME.match(name)
    if not m:
        raise TaskFileError(f"{path or name}: name is not <venue><year>_<slug>.md")
    body, removed = clean_text(text.lstrip("\ufeff"))
    body = body.strip()
    problems = [f"{path or name}: {removed} control character(s) removed"] if removed else []
    if not body:
        raise TaskFileError(f"{path or name}: file is empty")
    venue, year, slug = m.group("venue"), int(m.group("year")), m.group("slug")
    title = _title(body, venue, year, slug)
    return Task(id=name[:-3], venue=venue, year=year, slug=slug, title=title, body=body,
                classification=classify(title, body), path=path, problems=problems)


def parse_task_file(path: Path) -> Task:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TaskFileError(f"{path}: cannot read ({exc.strerror})") from None
    bad = None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:      # e.g. latin-1: keep it, say so
        bad = exc.start
        # Binary means control bytes; accented letters in a short latin-1 file are not that.
        odd = sum(b < 32 and b not in (9, 10, 13) for b in raw[:65536])
        if odd > min(len(raw), 65536) / 10:
            raise TaskFileError(f"{path}: not UTF-8 text (looks binary)") from None
        text = raw.decode("latin-1")
    task = parse_task_text(path.name, text, str(path))
    if bad is not None:
        task.problems.insert(0, f"{path}: not valid UTF-8 (byte {bad}); read as Latin-1")
    return task
