"""Candidate generation, features, scoring and explanations of suggestions."""
