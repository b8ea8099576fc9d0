"""The small kernel everything stands on: the stage and dimension vocabulary, model names,
task files and their classifier, progress reporting and secret redaction. Imports nothing above it."""
