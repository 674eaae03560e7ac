"""One module per rule family; each adds its rows (and helper columns) to the program.

A family is a function ``build(rule, ctx, ref)`` (the :class:`RuleFamily` protocol) where
``ref`` is the rule's position in the scenario, used to label its slack columns.
"""

from __future__ import annotations

from typing import Any, Protocol

from sourceopt.formulation.context import Context
from sourceopt.formulation.rules import (
    average_attribute,
    award,
    backup_coverage,
    budget,
    exclude,
    group_share,
    max_items,
    max_share,
    supplier_count,
)


class RuleFamily(Protocol):
    """Adds one rule's rows to the program under construction."""

    def __call__(self, rule: Any, ctx: Context, ref: int) -> None:
        """Build the rows of `rule` (at position `ref` in the scenario's rules)."""
        ...


FAMILIES: dict[str, RuleFamily] = {
    "max_share": max_share.build,
    "supplier_count": supplier_count.build,
    "group_share": group_share.build,
    "exclude": exclude.build,
    "award": award.build,
    "average_attribute": average_attribute.build,
    "max_items_per_supplier": max_items.build,
    "backup_coverage": backup_coverage.build,
}
DEFERRED: dict[str, RuleFamily] = {"budget": budget.build}  # need every cost column first
