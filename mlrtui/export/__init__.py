"""Exporting runs as self-contained folders and leaderboards as CSV."""
