"""The rebates of a scenario as a table (format 1.1: several per supplier, scoped, by units).

One row per rebate tier: ``supplier`` (code), ``rebate`` (the rebate's position in the file),
``from_spend`` or ``from_units`` (the threshold; the other is NaN), ``percent``. Each rebate's
item selector is kept apart (``Scenario.rebate_items``; None: all items, bundles included).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sourceopt.errors import Problem
from sourceopt.scenario.schema import ScenarioHeader, Selector
from sourceopt.scenario.selectors import misplaced_filters

COLUMNS = ("supplier", "rebate", "from_spend", "from_units", "percent")


def rebate_table(
    header: ScenarioHeader, suppliers: pd.DataFrame, items: pd.DataFrame, file: str
) -> tuple[pd.DataFrame, tuple[Selector | None, ...], list[Problem]]:
    """The rebates table, each rebate's item selector, and the problems found."""
    sup_index = pd.Index(suppliers["id"])
    known_items = set(items["id"].astype(str))
    problems: list[Problem] = []
    rows = []
    for r, rebate in enumerate(header.rebates):
        s = sup_index.get_indexer([rebate.supplier])[0]
        if s < 0:
            problems.append(
                Problem(file, f"rebates[{r}].supplier", f"unknown supplier {rebate.supplier!r}")
            )
        problems += _selector_problems(rebate.items, known_items, file, f"rebates[{r}].items")
        last = -1.0
        for t, tier in enumerate(rebate.tiers):
            key = "from_spend" if tier.from_spend is not None else "from_units"
            value = float(tier.from_spend if tier.from_spend is not None else tier.from_units or 0)
            if value <= last:
                problems.append(
                    Problem(
                        file,
                        f"rebates[{r}].tiers[{t}].{key}",
                        f"tier thresholds must increase: {value:g} follows {last:g}",
                    )
                )
            last = value
            spend = value if key == "from_spend" else np.nan
            units = value if key == "from_units" else np.nan
            rows.append((int(s), r, spend, units, float(tier.percent)))
    frame = pd.DataFrame(rows, columns=list(COLUMNS)).astype(
        {"supplier": np.int64, "rebate": np.int64, "from_spend": float, "from_units": float}
    )
    frame = frame.astype({"percent": float})
    return frame, tuple(rebate.items for rebate in header.rebates), problems


def _selector_problems(
    selector: Selector | None, known: set[str], file: str, place: str
) -> list[Problem]:
    if selector is None:
        return []
    problems = [
        Problem(file, place, f"filter {path!r} does not apply to items")
        for path in misplaced_filters(selector, "items")
    ]
    if isinstance(selector, list):
        problems += [
            Problem(file, f"{place}[{k}]", f"unknown item {v!r}")
            for k, v in enumerate(selector)
            if v not in known
        ]
    return problems
