"""Fact check: the numbers, dates and names of a Danish sentence against the English that reports it."""
