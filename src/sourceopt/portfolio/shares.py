"""A portfolio's ``max_share`` on spend, with the total as one column (sparse at any scale).

The ``max_share`` family writes, per selected firm s, ``spend_s - limit * total_spend <= 0``
with the total spend expanded in every row: over a portfolio of K categories and F firms that
is F rows of every award column (280 firms x 100,000 columns = 28,000,000 entries measured on
20 categories of 5,000 offers, and a 670 s solve). Here the total is one auxiliary column
``T`` defined once (``sum E x - T = 0``, a structural row owned by no rule, so neither a dual
nor a relaxation measures it) and each firm's row is ``spend_s - limit * T <= 0``: the same
constraint, F + 1 sparse rows. This is the one portfolio rule not built by its family; the
independent verifier checks it like any other. Volume-measured ``max_share`` keeps the
family's rows (its bound is the demand, a constant: already sparse).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sourceopt.formulation.context import Context
from sourceopt.formulation.program import ColumnKind
from sourceopt.formulation.rules._shared import by_supplier, total
from sourceopt.scenario.schema import MaxShareRule, Rule

TOTAL_FAMILY = "max_share_total"  # the definition row of T (structural)


def is_dense(rule: Rule) -> bool:
    """Whether the family would expand a total in every row (max_share, spend, per category)."""
    return isinstance(rule, MaxShareRule) and rule.measure == "spend" and rule.per == "category"


def build_max_share(rule: MaxShareRule, ctx: Context, ref: int) -> None:
    """The rows of a spend max_share over the portfolio, with its total as a column."""
    sel = ctx.selected_pairs(rule)
    if not sel.any():
        return
    in_items = ctx.selected_items(rule)[ctx.pair_item]
    own, sups = by_supplier(ctx, sel, ctx.E)
    whole = ctx.widen(total(ctx, in_items, ctx.E))
    b = ctx.builder
    (t,) = b.add_columns(1, kind=ColumnKind.AUXILIARY, ref=ref)
    one = sp.csr_array((np.array([-1.0]), (np.array([0]), np.array([t]))), shape=(1, b.n_cols))
    b.add_rows([ctx.widen(whole), one], lo=0.0, hi=0.0, family=TOTAL_FAMILY)
    n = len(sups)
    share = sp.csr_array(
        (np.full(n, -rule.limit), (np.arange(n), np.full(n, t))), shape=(n, b.n_cols)
    )
    ctx.add_rule_rows(rule, ref, [ctx.widen(own), share], lo=-np.inf, hi=0.0, supplier=sups)
