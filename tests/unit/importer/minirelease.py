"""The release's other layouts in miniature, all our own words: a Claude Code experiment run with
papers by two writer models, an AI-Scientist-v2 paper (a PDF we build here), an end-to-end run in
the Claude Code layout with hallucination checks, human hallucination labels, subset reviews that
point at all of them, and one folder of a kind nobody knows."""

from __future__ import annotations

import json
from pathlib import Path

from minicorpus import JUDGE, TASK_A, build, write

CODER = "claude-unit-7-20310101"
WRITERS = ["alpha-1-2031-02-03", "beta-2"]
W = f"/home/someone/exp/{TASK_A}"
PAPER_LINES = ["Tide pools as small worlds", "We measured snail counts across ten pools.",
               "Our method doubles the accuracy of every baseline.",
               "Results appear in Table 1 with error bars."]


def tiny_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with these lines in Helvetica (pypdf reads its text back)."""
    text = " T* ".join(f"({line}) Tj" for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td 14 TL {text} ET".encode()
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>")
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            page,
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def claude_transcript(root: str) -> str:
    """Claude Code's list format: write a script, run it (it writes results), a failing call."""
    script = ("import json\njson.dump({'snails': 12}, open('results/counts.json', 'w'))\n")
    msgs = [{"role": "user", "content": "run the experiment"},
            {"id": "m1", "type": "message", "role": "assistant", "model": CODER, "content": [
                {"type": "tool_use", "id": "t1", "name": "Write", "input": {
                    "file_path": f"{root}/claude_code/count.py", "content": script}}],
             "usage": {"input_tokens": 5, "output_tokens": 7}},
            {"role": "user", "content": [{"tool_use_id": "t1", "type": "tool_result",
                                          "content": "written"}]},
            {"id": "m2", "type": "message", "role": "assistant", "model": CODER, "content": [
                {"type": "tool_use", "id": "t2", "name": "Bash", "input": {
                    "command": f"cd {root} && python claude_code/count.py"}}],
             "usage": {"input_tokens": 6, "output_tokens": 8}},
            {"role": "user", "content": [{"tool_use_id": "t2", "type": "tool_result",
                                          "content": "counted", "is_error": False}]},
            {"id": "m3", "type": "message", "role": "assistant", "model": CODER, "content": [
                {"type": "tool_use", "id": "t3", "name": "Bash", "input": {
                    "command": "python missing.py"}}],
             "usage": {"input_tokens": 1, "output_tokens": 1}},
            {"role": "user", "content": [{"tool_use_id": "t3", "type": "tool_result",
                                          "content": "No such file", "is_error": True}]},
            {"role": "system", "cost_usd": 0.75, "duration_ms": 9000, "result": "done"}]
    return json.dumps(msgs, indent=1)


def hallucination_review(findings: list[tuple[str, str, str]]) -> str:
    return json.dumps({"has_hallucination": bool(findings), "hallucinations": [
        {"type": t, "description": d, "evidence": e} for t, d, e in findings],
        "overall_assessment": "checked", "confidence": 4}, indent=1)


def _claude_folder(run: Path, root: str) -> None:
    write(run / "claude_output.json", claude_transcript(root))
    write(run / "claude_code" / "count.py", "import json\njson.dump({'snails': 12}, "
          "open('results/counts.json', 'w'))\n")
    write(run / "results" / "counts.json", '{"snails": 12}\n')
    write(run / "results" / "results.md", "# Results\n\nTwelve snails per pool.\n")
    write(run / "results" / "stray.txt", "nobody wrote this in the transcript\n")


def build_release(root: Path) -> Path:
    build(root)
    sp = root / "agent_results" / "ideas_and_proposals" / TASK_A
    ew = root / "agent_results" / "experiments_and_writeups" / "claude" / TASK_A
    for name in ("idea.md", "related_work.md", "proposal.md"):
        write(ew / name, (sp / name).read_text(encoding="utf-8"))
    write(ew / "task.md", "the task again\n")
    _claude_folder(ew, W)
    for m in WRITERS:
        write(ew / "results" / f"paper_{m}.md", f"# Paper by {m}\n\nSnails, written up.\n")
    ai = root / "ai_scientist_v2_papers" / "o4-mini" / TASK_A
    write(ai / f"{TASK_A}.pdf", tiny_pdf(PAPER_LINES))
    write(ai / "experiments" / "idea.md", "# Snail idea\n\nCount them.\n")
    write(ai / "experiments" / "best_solution_x.py", "print('snails')\n")
    write(ai / "token_tracker.json", json.dumps({"o4-mini-2025-04-16": {"tokens": {
        "prompt": 1000, "completion": 200, "reasoning": 50, "cached": 100}, "cost (USD)": 0.5}}))
    write(ai / f"review_{JUDGE}.json", json.dumps({d: {"score": 4, "justification": "ok"}
                                                    for d in ("Clarity", "Overall")}))
    write(ai / f"review_hallucination_{JUDGE}.json", hallucination_review([
        ("Faked Experimental Results", "accuracy claim has no run behind it",
         'The paper states: "Our method doubles the accuracy of every baseline."'),
        ("Nonexistent Citations", "a reference nobody can find",
         'Reference list: "Smith and Jones, Snails of the Moon, 2030"')]))
    write(ai / "review_hallucination_judge-two.json", hallucination_review([]))
    e2e = root / "agent_results" / "end2end_o4-mini"
    write(e2e / "mlr_agent_o4-mini.log",
          f"2031-05-02 10:00:00,000 - INFO - Running MLR agent for task: {TASK_A}\n"
          "2031-05-02 10:00:00,001 - INFO - Using model: o4-mini-2025-04-16\n")
    run = e2e / TASK_A
    for name in ("idea.md", "related_work.md", "proposal.md"):
        write(run / name, f"# {name}\n\nOur own {name}.\n")
    _claude_folder(run, f"/home/someone/e2e/{TASK_A}")
    write(run / "results" / "paper.md", "# Pools\n\nWe counted snails in twelve pools.\n")
    write(run / f"review_hallucination_{JUDGE}.json", hallucination_review([
        ("Hallucinated Methodology", "pool count differs",
         "We counted snails in 12 pools")]))
    subset = root / "agent_reviews" / f"subset_reviews_{JUDGE}" / TASK_A
    write(subset / "experiments" / "claude.json", json.dumps(
        {"Soundness": {"score": 5, "justification": "fine"}}))
    for m in WRITERS:
        write(subset / "paper" / f"{m}.json", json.dumps(
            {"Clarity": {"score": 6, "justification": "clear"}}))
    write(subset / "review_o4-mini.json", json.dumps({"Overall": {"score": 5,
                                                                  "justification": "ok"}}))
    write(subset / "review_zeta-9.json", json.dumps({"Overall": {"score": 3,
                                                                 "justification": "ok"}}))
    write(root / "human_eval" / "Hallucination Check.csv",
          "LLM,Workshop_name,is_Faked_Experimental_Result,is_Hallucinated_Methodology,"
          "is_Incorrect_Citation,is_Mathematical_Error\n"
          f"AI Scientist V2,{TASK_A},Yes,No,No,No\n"
          f"MLR Agent,{TASK_A},No,Yes,Not Sure,No\n"
          f"Robot Writer,{TASK_A},Yes,Yes,Yes,Yes\n")
    write(root / "agent_results" / "mystery_outputs" / "a.txt", "what is this\n")
    write(root / "agent_results" / "mystery_outputs" / "b.txt", "and this\n")
    return root
