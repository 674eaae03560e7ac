"""Cross-table checks: unique ids, references that exist, tiers that increase (vectorised)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sourceopt.errors import Problem
from sourceopt.scenario.tables import MAX_PROBLEMS_PER_COLUMN, RawTable


def _listing(ids: pd.Series, limit: int = 8) -> str:
    values = [str(v) for v in ids.head(limit)]
    more = f", ... ({len(ids)} in all)" if len(ids) > limit else ""
    return ", ".join(values) + more


def _each(table: RawTable, rows: np.ndarray, column: str, message: str) -> list[Problem]:
    out = [
        Problem(table.file, table.place(int(r), column), message.format(row=int(r)))
        for r in rows[:MAX_PROBLEMS_PER_COLUMN]
    ]
    if len(rows) > MAX_PROBLEMS_PER_COLUMN:
        out.append(
            Problem(
                table.file,
                f"{table.label}, column {column}",
                f"... and {len(rows) - MAX_PROBLEMS_PER_COLUMN:,} more rows like these",
            )
        )
    return out


def unique_ids(frame: pd.DataFrame, table: RawTable, what: str) -> list[Problem]:
    """Every id appears once."""
    ids = frame["id"]
    dup = ids.duplicated(keep="first").to_numpy() & ids.notna().to_numpy()
    rows = np.flatnonzero(dup)
    return [
        Problem(
            table.file,
            table.place(int(r), "id"),
            f"duplicate {what} id {ids.iloc[r]!r} (ids must be unique)",
        )
        for r in rows[:MAX_PROBLEMS_PER_COLUMN]
    ]


def codes(
    values: pd.Series, ids: pd.Series, table: RawTable, column: str, what: str
) -> tuple[np.ndarray, list[Problem]]:
    """Integer codes of references into `ids`; problems for references that do not exist.

    A categorical `values` column is looked up once per distinct value.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        cat = values.cat
        distinct = np.empty(len(cat.categories) + 1, dtype=object)  # the last: None
        distinct[:-1] = cat.categories.to_numpy(dtype=object)
        per_value = _positions(ids, distinct)
        found = per_value[cat.codes.to_numpy()]  # code -1 (missing) picks the last: None's
    else:
        found = _positions(ids, values.astype(object))
    bad = np.flatnonzero((found < 0) & values.notna().to_numpy())
    problems = [
        Problem(
            table.file,
            table.place(int(r), column),
            f"unknown {what} {values.iloc[r]!r}; known {what}s: {_listing(ids)}",
        )
        for r in bad[:MAX_PROBLEMS_PER_COLUMN]
    ]
    if len(bad) > MAX_PROBLEMS_PER_COLUMN:
        problems.append(
            Problem(
                table.file,
                f"{table.label}, column {column}",
                f"... and {len(bad) - MAX_PROBLEMS_PER_COLUMN:,} more unknown references",
            )
        )
    return found.astype(np.int64), problems


def _positions(ids: pd.Series, values: object) -> np.ndarray:
    """Position of each value in `ids` (of its first occurrence), -1 where absent."""
    index = pd.Index(ids)
    if not index.is_unique:  # duplicates are reported apart; refer to the first of each
        index = index.drop_duplicates(keep="first")
        first = pd.Index(ids).get_indexer_for(index)
        pos = index.get_indexer(values)
        return np.where(pos >= 0, first[pos], -1)
    return np.asarray(index.get_indexer(values))


def unique_pairs(
    supplier: np.ndarray,
    item: np.ndarray,
    table: RawTable,
    supplier_ids: pd.Series,
    item_ids: pd.Series,
    offer_ids: pd.Series | None = None,
) -> list[Problem]:
    """At most one offer per (supplier, item), unless every offer of the pair has an id.

    Offers with ids are alternates (format 1.1). Codes (-1: unknown), and the ids as given.
    """
    key = (supplier.astype(np.int64) + 1) * (int(item.max(initial=-1)) + 2) + (item + 1)
    repeated = pd.Series(key).duplicated(keep="first").to_numpy().copy()
    if offer_ids is not None:
        no_id = pd.Series(offer_ids.isna().to_numpy())
        repeated &= no_id.groupby(key).transform("any").to_numpy(dtype=bool)
    dup = np.flatnonzero(repeated)
    return [
        Problem(
            table.file,
            table.place(int(r), "item"),
            f"a second offer of supplier {_given(supplier_ids, r)!r} for item "
            f"{_given(item_ids, r)!r} (at most one offer per pair; to make alternates, give "
            "each offer of the pair a distinct id)",
        )
        for r in dup[:MAX_PROBLEMS_PER_COLUMN]
    ]


def _given(values: pd.Series, row: int) -> object:
    """The value at a row position; a categorical's missing one is None (as in text columns)."""
    if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.codes.to_numpy()[row] < 0:
        return None
    return values.iloc[row]


def increasing_tiers(tiers: pd.DataFrame, table: RawTable, nested: bool) -> list[Problem]:
    """Tier thresholds strictly increase within each offer (nested tiers: in the order given)."""
    if len(tiers) == 0:
        return []
    offer = tiers["offer"].to_numpy()
    start = tiers["from"].to_numpy(float)
    if nested:
        same = offer[1:] == offer[:-1]
        bad = np.flatnonzero(same & (start[1:] <= start[:-1])) + 1
        pos = tiers["position"].to_numpy()
        return [
            Problem(
                table.file,
                f"{table.label}[{offer[r]}].tiers[{pos[r]}].from",
                f"tier thresholds must increase: {start[r]:g} follows {start[r - 1]:g}",
            )
            for r in bad[:MAX_PROBLEMS_PER_COLUMN]
        ]
    dup = tiers.duplicated(subset=["offer", "from"], keep="first").to_numpy()
    return _each(
        table, np.flatnonzero(dup), "from", "two tiers with the same threshold for one offer"
    )


def current_suppliers(items: pd.DataFrame, table: RawTable, suppliers: pd.Series) -> list[Problem]:
    """Every supplier named in an item's ``current`` (today's award) exists."""
    known = set(suppliers.dropna().astype(str))
    problems: list[Problem] = []
    for col in items.columns:
        name = str(col)
        if not name.startswith("current.") or name[len("current.") :] in known:
            continue
        rows = np.flatnonzero(items[col].notna().to_numpy())
        first = int(rows[0]) if len(rows) else 0
        problems.append(
            Problem(
                table.file,
                table.place(first, name),
                f"unknown supplier {name[len('current.') :]!r} in current (today's award); "
                f"known suppliers: {_listing(suppliers)}",
            )
        )
    return problems
