"""The Program edits the analyses use (owned by :mod:`sourceopt.formulation.edits`)."""

from sourceopt.formulation.edits import (
    drop_rule,
    fix_columns,
    prune_indicators,
    rule_position,
    set_row_bounds,
    subset,
    with_columns,
    with_objective,
    with_row,
    with_rows,
    without_rule,
)

__all__ = [
    "drop_rule",
    "fix_columns",
    "prune_indicators",
    "rule_position",
    "set_row_bounds",
    "subset",
    "with_columns",
    "with_objective",
    "with_row",
    "with_rows",
    "without_rule",
]
