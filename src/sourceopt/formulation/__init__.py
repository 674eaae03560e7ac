"""Scenario -> backend-neutral Program: index spaces, objective, one module per rule family."""
