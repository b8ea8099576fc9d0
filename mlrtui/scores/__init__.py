"""Scores over reviews: aggregation and leaderboards, judge-vs-human agreement, blind human scores."""
