"""Load and validate a portfolio file (every problem with its file and key path)."""

from __future__ import annotations

from pathlib import Path

from sourceopt.portfolio.model import Portfolio


def load_portfolio(path: str | Path) -> Portfolio:
    """Load a portfolio file and its categories' scenario files; raises ScenarioError."""
    raise NotImplementedError("skeleton")
