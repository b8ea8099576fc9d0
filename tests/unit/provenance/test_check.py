"""End-to-end verdicts of check() on small runs of our own writing."""

from __future__ import annotations

from datetime import date

from mlrtui.provenance import CodeFile, Doc, Evidence, check

STDOUT = """epoch 5 done
method        accuracy   f1
baseline      0.8123     0.7741
ours          0.8457     0.8012
"""

PAPER = """# Results

## 4 Experiments

| Method | Accuracy | F1 |
|---|---|---|
| baseline | 0.8123 | 0.7741 |
| ours | 0.8457 | 0.8012 |

Our method improves accuracy by 4.11% relative to the baseline.

## References
[1] A. Author. "A Study of Things." arXiv:2301.12345, 2023. Accuracy 0.9876 in 2023.
"""


def _claims(report, doc="paper.md"):
    return {c.value: c for c in report.claims if c.doc == doc}


def test_table_copied_from_stdout_is_traced():
    report = check([Doc("paper.md", PAPER)], [Evidence("run.log", STDOUT, "execution")])
    claims = _claims(report)
    assert claims["0.8457"].status == "traced"
    assert claims["0.8457"].evidence[0].name == "run.log"
    assert claims["0.8457"].evidence[0].line == 4
    assert "ours" in claims["0.8457"].context


def test_relative_gain_of_traced_numbers_is_derived():
    report = check([Doc("paper.md", PAPER)], [Evidence("run.log", STDOUT, "execution")])
    gain = _claims(report)["4.11%"]
    assert gain.status == "derived"
    assert "0.8457" in gain.derivation and "0.8123" in gain.derivation


def test_numbers_found_nowhere_are_untraced():
    report = check([Doc("paper.md", PAPER)], [Evidence("run.log", "epoch 1 done\n", "execution")])
    assert {c.status for c in report.claims} == {"untraced"}
    assert report.figure == 0.0


def test_typed_log_is_a_decoy_not_evidence():
    report = check([Doc("paper.md", PAPER)], [Evidence("results/log.txt", STDOUT, "agent")])
    claim = _claims(report)["0.8457"]
    assert claim.status == "untraced"
    assert claim.decoys and claim.decoys[0].name == "results/log.txt"


def test_unknown_origin_is_weak():
    report = check([Doc("paper.md", PAPER)], [Evidence("notes.txt", STDOUT, "unknown")])
    claim = _claims(report)["0.8457"]
    assert claim.status == "traced" and claim.weak


def test_metric_printed_with_another_value_is_contradicted():
    out = "method accuracy\nbaseline accuracy 0.8123\nours accuracy 0.7311\n"
    report = check([Doc("paper.md", PAPER)], [Evidence("run.log", out, "execution")])
    claim = _claims(report)["0.8457"]
    assert claim.status == "contradicted"
    assert claim.contradicting.value == "0.7311"


def test_references_and_hyper_parameters_are_not_claims():
    doc = PAPER + "\n## Appendix\nWe train for 50 epochs with learning rate 0.0003 and batch size 64.\n"
    report = check([Doc("paper.md", doc)], [])
    values = {c.value for c in report.claims}
    assert "0.9876" not in values and "2023" not in values
    assert not values & {"50", "0.0003", "64"}
    assert {"0.8123", "0.8457", "4.11%"} <= values


def test_hard_coded_accuracy_without_training_is_flagged():
    code = CodeFile("run.py", "import json\naccuracy = 0.93\njson.dump({'accuracy': accuracy}, f)\n")
    report = check([], [], [code])
    kinds = {(f.kind, f.file, f.line, f.hallucination) for f in report.audit}
    assert ("hard-coded metric", "run.py", 2, "faked_results") in kinds


def test_random_results_and_simulation_words_are_flagged():
    code = CodeFile("sim.py", "import numpy as np\n# simulated results\n"
                              "acc = np.random.uniform(0.8, 0.9)\n")
    report = check([], [], [code])
    found = {(f.kind, f.severity) for f in report.audit}
    assert ("random results", "high") in found
    assert ("simulation word", "medium") in found


def test_training_code_is_not_flagged():
    code = CodeFile("train.py", "for x, y in loader:\n    loss = crit(model(x), y)\n"
                                "    loss.backward()\n    optimizer.step()\nacc = correct / total\n")
    assert check([], [], [code]).audit == []


def test_impossible_and_future_arxiv_ids_are_flagged():
    doc = Doc("paper.md", "## References\n[1] X. \"T one.\" arXiv:2613.12345.\n"
                          "[2] Y. \"T two.\" arXiv:2509.01234.\n[3] Z. \"T three.\" arXiv:2301.12345.\n")
    found = check([doc], [], run_date=date(2025, 7, 1)).citations
    kinds = {(f.kind, f.line) for f in found}
    assert ("impossible arXiv id", 2) in kinds
    assert ("future arXiv id", 3) in kinds
    assert not any(f.line == 4 for f in found)
    assert {f.hallucination for f in found} == {"nonexistent_citation"}


def test_contradicting_references_are_flagged():
    doc = Doc("paper.md", "## References\n[1] A. \"Deep Things in Weight Space.\" 2021.\n"
                          "[2] A. \"Deep Things in Weight Space.\" 2023.\n")
    assert [f.kind for f in check([doc], []).citations] == ["contradicting references"]


def test_json_lines_report():
    report = check([Doc("paper.md", PAPER)], [Evidence("run.log", STDOUT, "execution")])
    lines = report.to_json_lines().splitlines()
    assert lines[-1].startswith('{"record": "summary"')
    assert len(lines) == len(report.claims) + 1


ROW_LOG = "name,avg,reward\ngnn,0.0035714142,0.31753\nmlp,0.1176605,0.17524\n"
ROW_DOC = """# Results

| Method | Avg | Reward |
|---|---|---|
| gnn | 0.004 | 0.318 |
| mlp | 0.118 | 0.175 |

Compared to mlp, gnn showed 81.2% higher reward.

The mlp method reached an avg of 0.118 in one run.
"""


def test_imprecise_cell_traced_by_the_line_backing_its_row():
    report = check([Doc("r.md", ROW_DOC)], [Evidence("t.csv", ROW_LOG, "execution")])
    cell = next(c for c in report.claims if c.value == "0.004")
    assert cell.status == "traced" and "row on one line" in cell.rule
    assert cell.evidence[0].line == 2


def test_imprecise_cell_not_traced_from_typed_text():
    report = check([Doc("r.md", ROW_DOC)], [Evidence("t.csv", ROW_LOG, "agent")])
    assert {c.status for c in report.claims if c.value in ("0.004", "0.318")} == {"untraced"}


def test_relative_difference_derived_from_printed_precision_of_named_rows():
    report = check([Doc("r.md", ROW_DOC)], [Evidence("t.csv", ROW_LOG, "execution")])
    rel = next(c for c in report.claims if c.value == "81.2%")
    # from the table as printed, (0.318 - 0.175) / 0.175 is 81.7%: only the printed output fits
    assert rel.status == "derived", rel
    assert rel.derivation == "(0.318 - 0.175) / 0.175 × 100 = 81.1972"


def test_sentence_repeating_a_cell_is_traced():
    report = check([Doc("r.md", ROW_DOC)], [Evidence("t.csv", ROW_LOG, "execution")])
    said = next(c for c in report.claims if c.line == 10)
    assert said.status == "traced"


FAR_LOG = "final accuracy baseline: 0.7320\nfinal accuracy ours: 0.9150\n"
FAR_PAPER = """# Results

| Method | Accuracy |
|---|---|
| Baseline | 0.7320 |
| Ours | 0.9150 |
""" + "\nSome discussion of the setup follows here.\n" * 20 + """
## Discussion

Overall the relative improvement is 25.0% on this benchmark.
Overall the relative improvement is 41.7% on the harder split.
"""


def test_relative_change_stated_far_from_its_table_is_derived_and_a_stray_one_is_not():
    report = check([Doc("paper.md", FAR_PAPER)], [Evidence("run.log", FAR_LOG, "execution")])
    claims = _claims(report)
    assert claims["25.0%"].status == "derived"            # (0.9150 - 0.7320) / 0.7320
    assert "0.9150" in claims["25.0%"].derivation
    assert claims["41.7%"].status == "untraced"           # no two traced numbers give it


# Three rows, two columns, printed by code one row per line with full precision.
CMP_LOG = """reward,trust
0.07316919,0.20537500
0.11766052,0.20637500
0.07798869,0.20212499
"""
CMP_DOC = """# Results

| Agent | Reward | Trust |
|---|---|---|
| Dynamic | 0.073 | 0.205 |
| Static | 0.118 | 0.206 |
| Direct | 0.078 | 0.202 |

Against Static, Dynamic got -37.8% more reward and -0.5% more trust.
Against Static, Dynamic got -37.8% more reward and -0.9% more trust.
"""


def test_one_digit_change_computed_like_its_sentence_neighbour_is_derived():
    report = check([Doc("r.md", CMP_DOC)], [Evidence("out.csv", CMP_LOG, "execution")])
    line9 = {c.value: c for c in report.claims if c.line == 9}
    assert line9["-37.8%"].status == "derived"
    # alone, "-0.5%" is too imprecise to derive; beside a derived relative change of the same
    # two rows it is the same comparison in another column: (0.205375 - 0.206375) / 0.206375
    assert line9["-0.5%"].status == "derived", line9["-0.5%"]
    assert line9["-0.5%"].rule == "derived like its sentence"
    assert "0.205 - 0.206" in line9["-0.5%"].derivation
    # the same sentence with a number no column comparison gives stays untraced
    line10 = {c.value: c for c in report.claims if c.line == 10}
    assert line10["-0.9%"].status == "untraced"


NEXT_LOG = "0.4546747 3.5938558\n0.0016686 0.0001834\n0.0007676 0.0001192\n0.0009999 0.0004444\n"
NEXT_DOC = """| Epoch | Loss A | Loss B |
|---|---|---|
| 0 | 0.4547 | 3.5939 |
| 10 | 0.0017 | 0.0002 |
| 19 | 0.0008 | 0.0001 |
| 29 | 0.0003 | 0.0006 |
"""


def test_imprecise_row_traced_on_the_line_after_its_neighbour_rows_line():
    report = check([Doc("r.md", NEXT_DOC)], [Evidence("loss.txt", NEXT_LOG, "execution")])
    by_line = {(c.line, c.value): c for c in report.claims}
    cell = by_line[(5, "0.0008")]
    assert cell.status == "traced" and "neighbour row" in cell.rule
    assert cell.evidence[0].line == 3 and cell.evidence[0].value == "0.0007676"
    assert by_line[(5, "0.0001")].status == "traced"
    # the next line of output does not hold this row's numbers: untraced
    assert by_line[(6, "0.0003")].status == "untraced"
    # the same table typed by the agent traces nothing
    typed = check([Doc("r.md", NEXT_DOC)], [Evidence("loss.txt", NEXT_LOG, "agent")])
    assert {c.status for c in typed.claims} == {"untraced"}


SEEDS_CSV = """seed,test_acc,test_f1
0,0.9473684210,0.9583333333
1,0.9561403508,0.9659863945
2,0.9824561403,0.9863013698
"""
SEEDS_JSON = ('[{"seed": 0, "acc": 0.9473684210}, {"seed": 1, "acc": 0.9561403508},'
              ' {"seed": 2, "acc": 0.9824561403}]')
SEEDS_DOC = """# Results

Averaged over seeds, test accuracy is 0.9620 and test F1 is 0.9702.
Averaged over seeds, test accuracy is 0.9650 on the held-out split.
"""


def test_average_over_printed_rows_is_derived_from_the_column_mean():
    report = check([Doc("r.md", SEEDS_DOC)], [Evidence("exec:3", SEEDS_CSV, "execution")])
    claims = _claims(report, "r.md")
    assert claims["0.9620"].status == "derived"
    assert claims["0.9620"].derivation.startswith("mean of test_acc over 3 rows of exec:3")
    assert claims["0.9620"].evidence[0].line == 1
    assert claims["0.9702"].status == "derived"
    assert claims["0.9650"].status == "untraced"             # no column has that mean
    from_json = check([Doc("r.md", SEEDS_DOC)],
                      [Evidence("results.json", SEEDS_JSON, "execution")])
    assert _claims(from_json, "r.md")["0.9620"].status == "derived"
    # a table the agent typed is no evidence, not even for a mean
    typed = check([Doc("r.md", SEEDS_DOC)], [Evidence("exec:3", SEEDS_CSV, "agent")])
    assert _claims(typed, "r.md")["0.9620"].status == "untraced"


def test_a_word_repeated_over_a_file_is_one_finding_and_running_bests_are_not_results():
    text = "best_acc = 0.0\ntotal_loss = 0.0\n" + "".join(
        f"# simulated step {i}\nx{i} = {i}\n" for i in range(5)) + "final_accuracy = 0.93\n"
    report = check([], [], [CodeFile("sim.py", text)])
    words = [f for f in report.audit if f.kind == "simulation word"]
    assert len(words) == 1 and words[0].line == 3
    assert "4 more line(s): 5, 7, 9, 11" in words[0].detail
    hard = [f for f in report.audit if f.kind == "hard-coded metric"]
    assert [(f.line, f.snippet) for f in hard] == [(13, "final_accuracy = 0.93")]


PROFILES = "[\n" + ",\n".join(
    f'  {{"detail_orientation": 0.{2591 + 37 * i:04d}07, "speed": 0.{3100 + 53 * i:04d}11}}'
    for i in range(40)) + "\n]\n"
GAIN_DOC = """| Metric | Value |
|---|---|
| Adaptation Gain | 0.2591 |
"""


def test_a_table_cell_is_not_traced_to_a_json_key_naming_something_else():
    # 0.259107 rounds to the cell, but it is a profile's detail_orientation among 80 numbers
    report = check([Doc("r.md", GAIN_DOC)], [Evidence("profiles.json", PROFILES, "execution")])
    assert _claims(report, "r.md")["0.2591"].status == "untraced"
    named = PROFILES.replace('"detail_orientation"', '"adaptation_gain"')
    report = check([Doc("r.md", GAIN_DOC)], [Evidence("gains.json", named, "execution")])
    assert _claims(report, "r.md")["0.2591"].status == "traced"


REPEATS = "\n".join(["baseline cf 0.785"] * 3 + [f"other {0.7801 + 0.0003 * i:.4f}"
                                                    for i in range(2)]) + "\n"


def test_one_value_printed_many_times_is_one_chance_of_a_false_match():
    doc = "# Results\n\nOn counterfactual inputs the score is 78.50%.\n"
    report = check([Doc("r.md", doc)], [Evidence("log", REPEATS, "execution")])
    assert _claims(report, "r.md")["78.50%"].status == "traced"


PP_LOG = "model,worst_group_accuracy\nStandard ERM,0.6035880987\nAIFS,0.7852388861\n"
PP_DOC = """| Model | Worst-Group Accuracy |
|---|---|
| Standard ERM | 0.6036 |
| AIFS | 0.7852 |
""" + "\nFiller line about the setup.\n" * 20 + """
Worst-group accuracy of AIFS rises by 18.17% against ERM.
"""


def test_a_gain_in_points_over_a_named_row_is_derived():
    report = check([Doc("r.md", PP_DOC)], [Evidence("out.csv", PP_LOG, "execution")])
    gain = _claims(report, "r.md")["18.17%"]
    assert gain.status == "derived", gain
    assert gain.derivation.startswith("(0.7852 - 0.6036) × 100")   # the printed sign: a gain


SETTINGS_DOC = """# Setup

We hold out data: 80% for training, 10% each for validation and test.
- Input noise standard deviation: 0.1
- Ranking loss weight (λ): 0.5
Pruning stops at a target of 20% of the pool.
Scores are normalised, with 1.0 being the top.

# Results

We measure 97.2% ± 0.3% test accuracy and a worst-group accuracy of 87.5% (five seeds).
"""


def test_splits_targets_weights_and_scale_ends_are_settings_not_claims():
    values = {c.value for c in check([Doc("r.md", SETTINGS_DOC)], []).claims}
    assert values == {"97.2%", "0.3%", "87.5%"}     # the spread over seeds is reported too


CONTEXTS = '{\n "regulator": {\n  "BERT": 0.6243225245,\n  "DistilBERT": 0.5514\n },\n' \
           ' "startup": {\n  "BERT": 0.4101,\n  "DistilBERT": 0.5770034101\n }\n}\n'


def test_a_two_digit_number_is_traced_when_its_sentence_names_the_evidence_line():
    named = "Under the regulator weighting, BERT ranks first with a score of 0.62.\n"
    bare = "The top model ranks first with a score of 0.62.\n"
    ev = [Evidence("results.json", CONTEXTS, "execution")]
    hit = _claims(check([Doc("r.md", named)], ev), "r.md")["0.62"]
    assert hit.status == "traced" and hit.evidence[0].line == 3
    assert _claims(check([Doc("r.md", bare)], ev), "r.md")["0.62"].status == "untraced"
