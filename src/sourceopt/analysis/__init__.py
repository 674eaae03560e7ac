"""Analyses: change the program, re-solve, compare (rule costs, variants, frontier, diagnosis).

Every analysis builds a scenario's Program once and re-solves edited copies of it
(:mod:`sourceopt.formulation.edits`, owned by the formulation); every award it reports is
verified like any other.
"""

from sourceopt.analysis.compare import Comparison, VariantRow, compare_variants, diff_variants
from sourceopt.analysis.diff import VariantDiff, diff_results
from sourceopt.analysis.edits import (
    drop_rule,
    fix_columns,
    set_row_bounds,
    with_columns,
    with_row,
    with_rows,
    without_rule,
)
from sourceopt.analysis.explain import Explanation, explain
from sourceopt.analysis.frontier import Frontier, FrontierPoint, frontier
from sourceopt.analysis.metrics import METRICS
from sourceopt.analysis.plot import plot_frontier
from sourceopt.analysis.price_to_win import PriceToWin, price_to_win
from sourceopt.analysis.resolve import Progress
from sourceopt.analysis.rule_costs import RuleCost, RuleCosts, rule_costs
from sourceopt.analysis.stress import StressResult, stress

__all__ = [
    "METRICS",
    "Comparison",
    "Explanation",
    "Frontier",
    "FrontierPoint",
    "PriceToWin",
    "Progress",
    "RuleCost",
    "RuleCosts",
    "StressResult",
    "VariantDiff",
    "VariantRow",
    "compare_variants",
    "diff_results",
    "diff_variants",
    "drop_rule",
    "explain",
    "fix_columns",
    "frontier",
    "plot_frontier",
    "price_to_win",
    "rule_costs",
    "set_row_bounds",
    "stress",
    "with_columns",
    "with_row",
    "with_rows",
    "without_rule",
]
