"""Append-only, named schema migrations. Never edit an applied one: add a new one below.

The first migration holds the schema of the whole product: tasks, runs, stage versions with
lineage, run files, executions, LLM calls (the ledger), rubrics, reviews with per-dimension
scores, hallucination flags, human scores, and import bookkeeping.
"""

from __future__ import annotations

import sqlite3

from mlrtui.store.connection import Database, Migrations

migrations = Migrations("mlrtui")

SCHEMA_0001 = """
CREATE TABLE tasks (
    id TEXT PRIMARY KEY,               -- e.g. iclr2025_bi_align
    venue TEXT NOT NULL,
    year INTEGER NOT NULL,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    category TEXT NOT NULL,            -- chosen by the classifier
    category_terms TEXT NOT NULL DEFAULT '[]',   -- JSON: the terms that decided it
    category_override TEXT,            -- set by the user; wins over category
    source TEXT NOT NULL,              -- example | corpus | user
    path TEXT,
    content_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE model_aliases (
    alias TEXT PRIMARY KEY,            -- a name as found, e.g. o4-mini-2025-04-16
    model TEXT NOT NULL                -- the canonical id, e.g. o4-mini
);

CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                -- run | judge
    args TEXT NOT NULL DEFAULT '{}',
    budget_usd REAL,
    status TEXT NOT NULL DEFAULT 'running',
    created_at TEXT NOT NULL,
    finished_at TEXT
);

CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    mode TEXT NOT NULL CHECK (mode IN ('stepwise', 'end-to-end')),
    model TEXT NOT NULL,               -- canonical backbone model id
    model_original TEXT,
    agent TEXT,                        -- coding agent of an end-to-end run (codex, gemini-cli, builtin)
    status TEXT NOT NULL DEFAULT 'pending',  -- pending | running | done | failed | cancelled
    source TEXT NOT NULL DEFAULT 'local',    -- local | corpus
    budget_usd REAL,
    batch_id INTEGER REFERENCES batches(id) ON DELETE SET NULL,
    error TEXT,
    workspace TEXT,
    import_key TEXT UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX runs_task ON runs(task_id);

CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    stage TEXT NOT NULL CHECK (stage IN ('idea', 'literature', 'proposal', 'experiment', 'paper')),
    text TEXT NOT NULL,
    author TEXT NOT NULL,              -- canonical model id or 'human'
    author_original TEXT,
    stale INTEGER NOT NULL DEFAULT 0,
    note TEXT,
    content_hash TEXT NOT NULL,
    import_key TEXT UNIQUE,
    created_at TEXT NOT NULL
);
CREATE INDEX versions_run_stage ON versions(run_id, stage);

-- Which versions a version was built from (its upstream).
CREATE TABLE version_inputs (
    version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    input_version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    PRIMARY KEY (version_id, input_version_id)
);

-- The current version of each stage of a run.
CREATE TABLE stage_heads (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    PRIMARY KEY (run_id, stage)
);

CREATE TABLE executions (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    version_id INTEGER REFERENCES versions(id) ON DELETE SET NULL,
    executor TEXT NOT NULL,            -- sandbox | claude | codex | gemini | imported
    command TEXT NOT NULL,
    cwd TEXT,
    exit_code INTEGER,
    status TEXT NOT NULL,              -- ok | failed | timeout | killed | error
    reason TEXT,
    duration_s REAL,
    stdout TEXT NOT NULL DEFAULT '',
    stderr TEXT NOT NULL DEFAULT '',
    started_at TEXT NOT NULL,
    import_key TEXT UNIQUE
);
CREATE INDEX executions_run ON executions(run_id);

CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    execution_id INTEGER REFERENCES executions(id) ON DELETE SET NULL,
    path TEXT NOT NULL,                -- relative to the run's workspace
    kind TEXT NOT NULL,                -- code | log | result | figure | transcript | other
    content BLOB,                      -- bytes, or NULL when only external_path is kept
    external_path TEXT,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (run_id, path, sha256)
);
CREATE INDEX files_run ON files(run_id);

CREATE TABLE rubrics (
    id TEXT NOT NULL,
    hash TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (id, hash)
);

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    task_id TEXT REFERENCES tasks(id) ON DELETE CASCADE,
    run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
    version_id INTEGER REFERENCES versions(id) ON DELETE SET NULL,  -- the judged version
    stage TEXT NOT NULL,               -- idea | proposal | experiment | writeup | overall | hallucination
    target_model TEXT,                 -- canonical model of the judged output
    judge_model TEXT NOT NULL,         -- canonical
    judge_original TEXT,
    rubric_id TEXT,
    rubric_hash TEXT,
    overall REAL,
    confidence REAL,
    raw_text TEXT NOT NULL,
    parsed TEXT,                       -- JSON of the validated reply
    parse_status TEXT NOT NULL,        -- ok | repaired | invalid
    error TEXT,
    source TEXT NOT NULL DEFAULT 'local',
    variant TEXT,                      -- e.g. no_code for reviews without the code
    batch_id INTEGER REFERENCES batches(id) ON DELETE SET NULL,
    import_key TEXT UNIQUE,
    created_at TEXT NOT NULL
);
CREATE INDEX reviews_target ON reviews(stage, target_model);
CREATE INDEX reviews_task ON reviews(task_id);
CREATE INDEX reviews_version ON reviews(version_id);

CREATE TABLE review_scores (
    review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    dimension TEXT NOT NULL,
    score REAL,
    justification TEXT,
    PRIMARY KEY (review_id, dimension)
);

CREATE TABLE flags (
    id INTEGER PRIMARY KEY,
    review_id INTEGER REFERENCES reviews(id) ON DELETE CASCADE,
    run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
    version_id INTEGER REFERENCES versions(id) ON DELETE SET NULL,
    type TEXT NOT NULL,                -- nonexistent_citation | hallucinated_methodology | math_error | faked_results | other
    description TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,              -- judge model id, or 'human'
    status TEXT NOT NULL DEFAULT 'open',     -- open | confirmed | dismissed
    note TEXT,
    decided_at TEXT,
    import_key TEXT UNIQUE,
    created_at TEXT NOT NULL
);
CREATE INDEX flags_status ON flags(status);

CREATE TABLE human_scores (
    id INTEGER PRIMARY KEY,
    reviewer TEXT NOT NULL,
    item TEXT NOT NULL,                -- what was scored, e.g. <task>/<model> for a paper
    task_id TEXT,
    run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
    version_id INTEGER REFERENCES versions(id) ON DELETE SET NULL,
    target_model TEXT,
    stage TEXT NOT NULL DEFAULT 'paper',
    dimension TEXT NOT NULL,
    score REAL NOT NULL,
    rubric_id TEXT,
    blind INTEGER NOT NULL DEFAULT 1,
    source TEXT NOT NULL DEFAULT 'user',     -- user | corpus
    row_index INTEGER,                 -- position in an imported CSV, to keep duplicate rows apart
    import_key TEXT UNIQUE,
    created_at TEXT NOT NULL
);
CREATE INDEX human_scores_item ON human_scores(item, dimension);

CREATE TABLE llm_calls (
    id INTEGER PRIMARY KEY,
    call_key TEXT NOT NULL,            -- one logical call; retries share it
    attempt INTEGER NOT NULL DEFAULT 1,
    run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
    version_id INTEGER REFERENCES versions(id) ON DELETE SET NULL,
    review_id INTEGER REFERENCES reviews(id) ON DELETE SET NULL,
    batch_id INTEGER REFERENCES batches(id) ON DELETE SET NULL,
    task_id TEXT,
    stage TEXT,
    purpose TEXT,                      -- stage | judge | test | agent
    provider TEXT NOT NULL,
    model TEXT NOT NULL,               -- canonical
    model_original TEXT,
    input_tokens INTEGER,
    output_tokens INTEGER,
    cache_read_tokens INTEGER,
    cache_write_tokens INTEGER,
    cost_usd REAL,                     -- NULL means unpriced, never 0
    price_source TEXT,
    price_version TEXT,
    latency_s REAL,
    status TEXT NOT NULL,              -- ok | error | cached
    error TEXT,
    source TEXT NOT NULL DEFAULT 'local',
    import_key TEXT UNIQUE,
    created_at TEXT NOT NULL
);
CREATE INDEX llm_calls_run ON llm_calls(run_id);
CREATE INDEX llm_calls_key ON llm_calls(call_key);
CREATE INDEX llm_calls_created ON llm_calls(created_at);

CREATE TABLE response_cache (
    key TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    text TEXT NOT NULL,
    usage TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);

CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    counts TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'running'
);

CREATE TABLE import_problems (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    problem TEXT NOT NULL
);
"""


@migrations()
def m0001_schema(db: Database) -> None:
    for statement in _statements(SCHEMA_0001):
        db.execute(statement)


def _statements(script: str) -> list[str]:
    """Split a script into statements: executescript would commit the migration's transaction."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return [s for s in out if s]


def apply(db: Database) -> None:
    migrations.apply(db)


@migrations()
def m0002_stages(db: Database) -> None:
    """Sandbox facts of an execution (which isolations were applied), as JSON."""
    db.execute("ALTER TABLE executions ADD COLUMN sandbox TEXT NOT NULL DEFAULT '{}'")


@migrations()
def m0003_judging(db: Database) -> None:
    """What a judge was not shown (inputs cut to fit), as a JSON list of notes on the review."""
    db.execute("ALTER TABLE reviews ADD COLUMN notes TEXT NOT NULL DEFAULT '[]'")


@migrations()
def m0004_file_origins(db: Database) -> None:
    """Where each run file came from: 'agent' (typed by the agent: a Write call, a heredoc),
    'execution' (produced by a command that ran: which one, and why we think so) or 'unknown'.
    Result provenance counts only produced files as evidence."""
    db.execute("ALTER TABLE files ADD COLUMN origin TEXT")
    db.execute("ALTER TABLE files ADD COLUMN origin_execution_id INTEGER "
               "REFERENCES executions(id) ON DELETE SET NULL")
    db.execute("ALTER TABLE files ADD COLUMN origin_reason TEXT")


@migrations()
def m0005_executions_slurm_job(db: Database) -> None:
    """Where a cluster ran an execution: the Slurm job id, its last state, the resources asked."""
    db.execute("ALTER TABLE executions ADD COLUMN job_id TEXT")
    db.execute("ALTER TABLE executions ADD COLUMN job_state TEXT")
    db.execute("ALTER TABLE executions ADD COLUMN resources TEXT NOT NULL DEFAULT '{}'")


@migrations()
def m0006_run_source_path(db: Database) -> None:
    """Where an imported run came from: its folder relative to the imported corpus root.

    Runs imported before this column existed get it back from their import key."""
    db.execute("ALTER TABLE runs ADD COLUMN source_path TEXT")
    db.execute("UPDATE runs SET source_path = 'agent_results/ideas_and_proposals/' || task_id "
               "WHERE import_key LIKE 'corpus:run:stepwise/%' "
               "OR import_key LIKE 'corpus:run:chain/%'")
    db.execute("UPDATE runs SET source_path = 'agent_results/' || substr(import_key, 12) "
               "WHERE import_key LIKE 'corpus:run:end2end%'")


# Read-only views for people who query the database directly (sqlite3, Datasette, pandas).
# Cost views follow the ledger's rule: each logical call (call_key) that succeeded or came from
# the cache counts once; unpriced calls are counted apart, never summed as $0.
_CALLS = """SELECT * FROM llm_calls WHERE id IN (
    SELECT MIN(id) FROM llm_calls WHERE status IN ('ok', 'cached') GROUP BY call_key)"""
_COST_COLUMNS = """COUNT(*) AS calls, SUM(cost_usd IS NOT NULL) AS priced_calls,
    SUM(cost_usd IS NULL) AS unpriced_calls, ROUND(COALESCE(SUM(cost_usd), 0), 6) AS usd,
    SUM(COALESCE(input_tokens, 0)) AS input_tokens, SUM(COALESCE(output_tokens, 0))
    AS output_tokens"""

VIEWS_0005 = {
    "current_versions": """
SELECT h.run_id, r.task_id, r.mode, r.model AS run_model, r.source AS run_source, h.stage,
       v.id AS version_id, v.author, v.author_original, v.stale, v.note, v.content_hash,
       length(v.text) AS chars, v.created_at, v.text
FROM stage_heads h JOIN versions v ON v.id = h.version_id JOIN runs r ON r.id = h.run_id""",
    # Mean of each judge's mean (every judge weighs the same), valid reviews only.
    "leaderboard": """
WITH per_judge AS (
    SELECT rv.stage, COALESCE(rv.variant, '') AS variant, rv.target_model AS model,
           s.dimension, rv.judge_model, AVG(s.score) AS mean, COUNT(*) AS scores,
           COUNT(DISTINCT COALESCE(rv.version_id, rv.task_id)) AS items
    FROM reviews rv JOIN review_scores s ON s.review_id = rv.id
    WHERE rv.parse_status IN ('ok', 'repaired') AND s.score IS NOT NULL
      AND rv.target_model IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5)
SELECT stage, variant, model, dimension, COUNT(*) AS judges, SUM(scores) AS scores,
       MAX(items) AS items, ROUND(AVG(mean), 4) AS mean, ROUND(MIN(mean), 4) AS judge_min,
       ROUND(MAX(mean), 4) AS judge_max
FROM per_judge GROUP BY stage, variant, model, dimension""",
    "cost_by_task": f"SELECT task_id, {_COST_COLUMNS} FROM ({_CALLS}) GROUP BY task_id",
    "cost_by_model": f"SELECT model, {_COST_COLUMNS} FROM ({_CALLS}) GROUP BY model",
    "cost_by_stage": f"SELECT stage, {_COST_COLUMNS} FROM ({_CALLS}) GROUP BY stage",
    "review_scores_full": """
SELECT s.review_id, rv.task_id, rv.run_id, rv.version_id, rv.stage, rv.variant,
       rv.target_model, rv.judge_model, rv.rubric_id, rv.parse_status, rv.source, s.dimension,
       s.score, s.justification, rv.overall, rv.confidence, rv.created_at
FROM review_scores s JOIN reviews rv ON rv.id = s.review_id""",
}


@migrations()
def m0007_views(db: Database) -> None:
    """current_versions, leaderboard, cost_by_task/_model/_stage, review_scores_full."""
    for name, select in VIEWS_0005.items():
        db.execute(f"CREATE VIEW {name} AS {select.strip()}")


@migrations()
def m0008_owners(db: Database) -> None:
    """The process owning a running row (host:pid:start), so rows of a killed process can be
    marked interrupted (see store/owners.py); the ledger's in-flight rows carry one too."""
    for table in ("runs", "batches", "imports", "llm_calls"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN owner TEXT")


@migrations()
def m0009_provenance(db: Database) -> None:
    """Result provenance: each checked run's figures, and the verdict on every number it reports.
    Written by mlrtui.provenance.records only; a re-check replaces a run's rows."""
    db.execute("""CREATE TABLE provenance_runs (
        run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        checked_at TEXT NOT NULL,
        claims INTEGER NOT NULL, traced INTEGER NOT NULL, derived INTEGER NOT NULL,
        contradicted INTEGER NOT NULL, untraced INTEGER NOT NULL, weak INTEGER NOT NULL,
        figure REAL,                       -- (traced + derived) / claims; NULL without claims
        findings TEXT NOT NULL DEFAULT '[]',   -- JSON: audit and citation findings
        evidence_source TEXT,              -- executions | transcript <file> | files
        problems TEXT NOT NULL DEFAULT '[]',
        elapsed_s REAL)""")
    db.execute("""CREATE TABLE provenance_claims (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        version_id INTEGER REFERENCES versions(id) ON DELETE SET NULL,
        doc TEXT NOT NULL,                 -- file relative to the run folder
        line INTEGER NOT NULL,             -- 1-based
        text TEXT NOT NULL,
        value TEXT NOT NULL,               -- as written
        number REAL,
        status TEXT NOT NULL,              -- traced | derived | contradicted | untraced
        rule TEXT NOT NULL DEFAULT '',
        weak INTEGER NOT NULL DEFAULT 0,
        derivation TEXT,
        evidence TEXT NOT NULL DEFAULT '[]',   -- JSON list of hits (name, line, snippet, origin)
        decoys TEXT NOT NULL DEFAULT '[]',
        contradicting TEXT)""")
    db.execute("CREATE INDEX provenance_claims_run ON provenance_claims(run_id, doc, line)")
    db.execute("CREATE INDEX provenance_claims_version ON provenance_claims(version_id, status)")
    db.execute("ALTER TABLE flags ADD COLUMN severity TEXT")   # low | medium | high; judges: NULL


@migrations()
def m0010_release_provenance(db: Database) -> None:
    """The whole MLR-Bench release: a transcript call's position, the coding agent that wrote a
    version, and the human hallucination labels per run and type (file origins: m0004)."""
    for statement in (
        "ALTER TABLE executions ADD COLUMN ordinal INTEGER",  # call order in its transcript
        "ALTER TABLE versions ADD COLUMN agent TEXT",         # coding agent, e.g. claude-code
        """CREATE TABLE hallucination_labels (
            id INTEGER PRIMARY KEY,
            system TEXT NOT NULL,              -- as labelled, e.g. 'AI Scientist V2'
            task_id TEXT,
            run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
            version_id INTEGER REFERENCES versions(id) ON DELETE SET NULL,
            type TEXT NOT NULL,                -- a flag type, e.g. faked_results
            label TEXT NOT NULL CHECK (label IN ('yes', 'no', 'not_sure')),
            labeller TEXT NOT NULL DEFAULT 'human',
            source TEXT NOT NULL DEFAULT 'corpus',
            import_key TEXT UNIQUE,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX hallucination_labels_run ON hallucination_labels(run_id, type)",
    ):
        db.execute(statement)


@migrations()
def m0011_console(db: Database) -> None:
    """Which stages a run was asked for (JSON list; NULL: all of them), whether a version's reply
    was cut at the output limit, and each call's finish reason (why the model stopped)."""
    db.execute("ALTER TABLE runs ADD COLUMN stages_requested TEXT")
    db.execute("ALTER TABLE versions ADD COLUMN truncated INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE llm_calls ADD COLUMN finish_reason TEXT")


@migrations()
def m0012_provider_batches(db: Database) -> None:
    """Provider batch APIs (OpenAI Batch, Anthropic Message Batches): the provider's batch id is
    kept the moment it is known, and each request's item says what its result is for and
    whether it was written, so a killed process resumes without resubmitting or writing twice."""
    db.execute("""CREATE TABLE provider_batches (
        id INTEGER PRIMARY KEY,
        batch_id INTEGER REFERENCES batches(id) ON DELETE SET NULL,   -- the operation's row
        kind TEXT NOT NULL,                -- judge | stage
        provider TEXT NOT NULL,            -- openai | anthropic
        model_name TEXT NOT NULL,          -- the configured name the requests went to
        model TEXT NOT NULL,               -- the model id sent
        provider_batch_id TEXT,            -- set right after submit
        input_file_id TEXT,                -- OpenAI: the uploaded JSONL
        status TEXT NOT NULL,              -- submitting | pending | ended | collected | lost
        provider_status TEXT,
        counts TEXT NOT NULL DEFAULT '{}',
        estimate_live_usd REAL,
        estimate_batch_usd REAL,
        submitted_at TEXT,
        finished_at TEXT,
        expires_at TEXT,
        created_at TEXT NOT NULL)""")
    db.execute("""CREATE TABLE provider_batch_items (
        id INTEGER PRIMARY KEY,
        provider_batch INTEGER NOT NULL REFERENCES provider_batches(id) ON DELETE CASCADE,
        custom_id TEXT NOT NULL,
        run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
        task_id TEXT,
        version_id INTEGER REFERENCES versions(id) ON DELETE SET NULL,  -- judged version
        judge TEXT,                        -- judge items: the judge's configured name
        rubric_id TEXT,
        rubric_hash TEXT,
        stage TEXT,                        -- stage items: the stage to write
        status TEXT NOT NULL DEFAULT 'pending',  -- pending | succeeded | errored | expired | canceled
        error TEXT,
        result_written INTEGER NOT NULL DEFAULT 0,
        review_id INTEGER REFERENCES reviews(id) ON DELETE SET NULL,
        out_version_id INTEGER REFERENCES versions(id) ON DELETE SET NULL,
        call_key TEXT,                     -- its llm_calls row
        inputs TEXT NOT NULL DEFAULT '[]', -- stage items: upstream version ids (JSON)
        notes TEXT NOT NULL DEFAULT '[]',  -- judge items: what the judge was not shown (JSON)
        UNIQUE (provider_batch, custom_id))""")
    db.execute("CREATE INDEX provider_batch_items_open ON provider_batch_items"
               "(provider_batch, result_written)")


@migrations()
def m0013_run_executor(db: Database) -> None:
    """Where a run's experiment code runs: local | slurm; NULL follows the config's kind."""
    db.execute("ALTER TABLE runs ADD COLUMN executor TEXT")


@migrations()
def m0014_speed_indexes(db: Database) -> None:
    """Indexes of hot reads: each task's best judge score in the task table (covering, so the
    reviews' text is never read) and a batch's spending, summed before every call."""
    db.execute("CREATE INDEX IF NOT EXISTS reviews_task_best ON reviews(task_id, overall, stage, "
               "target_model, version_id, variant)")
    db.execute("CREATE INDEX IF NOT EXISTS llm_calls_batch ON llm_calls(batch_id, cost_usd)")


def known_names() -> list[str]:
    """Names of every migration this build knows, in order."""
    return migrations.names()
