"""One module per rule type, each defining ``CHECK``; :data:`CHECKS` is the verifier's registry.

Independent of :mod:`sourceopt.formulation` on purpose: the verifier re-measures every rule
from the scenario alone.
"""

from __future__ import annotations

from sourceopt.verify.families import (
    average_attribute,
    award,
    backup_coverage,
    budget,
    exclude,
    group_share,
    max_items_per_supplier,
    max_share,
    min_award_share,
    supplier_count,
    total,
)
from sourceopt.verify.rowkit import RuleChecker

_MODULES = (
    max_share,
    supplier_count,
    group_share,
    exclude,
    award,
    average_attribute,
    budget,
    max_items_per_supplier,
    backup_coverage,
    min_award_share,
    total,
)
CHECKS: dict[str, RuleChecker] = {m.CHECK.type: m.CHECK for m in _MODULES}
