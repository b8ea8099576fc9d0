"""Runs and their stage versions: lineage and staleness, prompts, the stage runner, the experiment
loop and coding agents, and the stepwise / end-to-end pipeline."""
