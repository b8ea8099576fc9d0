"""Experiment execution: the executor interface, the local sandbox, the built-in loop and the
external coding-agent adapters. No Textual here."""
