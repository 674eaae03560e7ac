"""One module per rule family; each defines ``FAMILY``, its :class:`RuleFamily`.

A family builds a rule's rows (``build(rule, ctx, ref)``, ``ref`` the rule's position in
the scenario, which labels its slack columns), words it in a conflict, gives its elastic form
and its metric. :data:`FAMILIES` is the one registry, by rule type.
"""

from __future__ import annotations

from sourceopt.formulation.family import RuleFamily
from sourceopt.formulation.rules import (
    average_attribute,
    award,
    backup_coverage,
    budget,
    exclude,
    group_share,
    max_items,
    max_share,
    min_award_share,
    supplier_count,
    total,
)

_MODULES = (
    max_share,
    supplier_count,
    group_share,
    exclude,
    award,
    average_attribute,
    max_items,
    backup_coverage,
    budget,
    min_award_share,
    total,
)
FAMILIES: dict[str, RuleFamily] = {m.FAMILY.type: m.FAMILY for m in _MODULES}
