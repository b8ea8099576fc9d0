"""One service per long operation (running stages, judging, importing, model checks), shared
by the command line and the console: each owns its LLM client, budget, batch row, cancellation and summary."""
