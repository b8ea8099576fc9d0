"""`mlrtui runs`: one line per run: task, source folder, agent, model, stages, executions, cost."""

from __future__ import annotations

import argparse

from rich.console import Console

from mlrtui.commands import Context, Fatal
from mlrtui.commands.options import (
    TASK_GLOB_HELP,
    add_json,
    command_parser,
    emit_lines,
    require_tasks,
)
from mlrtui.commands.tables import Col, print_table
from mlrtui.costs.calls import cost_text
from mlrtui.kernel.vocab import STAGES
from mlrtui.runs.listing import RunLine, known_agents, list_run_lines

MARKS = {"done": "✓", "stale": "!", "pending": "○"}
STAGE_LEGEND = ("stages: idea, literature, proposal, experiment, paper "
                "(✓ current, ! stale, ○ none)")
SHORT = {"idea": "idea", "literature": "lit", "proposal": "prop", "experiment": "exp",
         "paper": "paper"}


def register(sub: argparse._SubParsersAction) -> None:
    p = command_parser(
        sub, "runs", "list runs: task, source, agent, model, stages, executions, cost",
        "mlrtui runs --task 'iclr2025_*' --agent mlr-agent",
        "mlrtui runs --agent codex --json | jq -r .source",
        details="Stages are shown in order (idea, literature, proposal, experiment, paper):\n"
                "✓ current, ! stale, ○ none. Authors other than the run's backbone model are\n"
                "named with their stage. --json gives every stage's author and state.")
    p.add_argument("--task", action="append", metavar="GLOB", help=TASK_GLOB_HELP
                   + " (repeatable)")
    p.add_argument("--agent", metavar="NAME",
                   help="only runs of this agent system (mlr-agent, ai-scientist-v2, mlrtui) "
                        "or coding agent (codex, gemini-cli, claude)")
    add_json(p)
    p.set_defaults(handler=handle)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    require_tasks(ctx, args.task)
    lines = list_run_lines(ctx.store, args.task, args.agent)
    if args.agent and not lines:
        agents = known_agents(ctx.store)
        if args.agent.lower() not in agents:
            raise Fatal(f"unknown agent {args.agent!r}; known: {', '.join(agents)}")
    if args.json:
        emit_lines(line.model_dump() for line in lines)
        return 0
    columns = [Col("id", numeric=True), Col("task / source", min_width=16),
               Col("agent / model", min_width=12), Col("stages", no_wrap=True),
               Col("other authors", min_width=10, optional=True),
               Col("executions", "exec", numeric=True),
               Col("cost", min_width=8, prose=True)]
    rows = [[str(r.id), r.task_id + (f"\n{_folder(r)}" if r.source else ""),
             f"{r.agent}" + (f" ({r.coder})" if r.coder else "") + f"\n{r.model}",
             "".join(MARKS[r.stages[s].state] for s in STAGES), _authors(r),
             str(r.executions), cost_text(r.calls, r.unpriced_calls, r.cost_usd)
             if r.calls else "-"] for r in lines]
    print_table(Console(), columns, rows, title=f"{len(lines)} runs",
                notes=[STAGE_LEGEND] if lines else [])
    return 0


def _authors(run: RunLine) -> str:
    """Stages written by someone other than the backbone model, e.g. `exp: gpt-5-codex`."""
    parts = [f"{SHORT[s]}: {cell.author}" for s, cell in run.stages.items()
             if cell.author and cell.author != run.model]
    return "\n".join(parts) or "-"


def _folder(run: RunLine) -> str:
    """The source folder as the table shows it: without the task name the row already has."""
    folder = run.source or ""
    return folder.removesuffix("/" + run.task_id) + "/" if folder.endswith(run.task_id) \
        else folder
