"""The domain: tasks, stages, judges, costs, stats. No Textual here."""
