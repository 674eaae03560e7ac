"""The typed Portfolio: categories (each a loaded Scenario) and organisation-wide rules."""

from __future__ import annotations

from dataclasses import dataclass

from sourceopt.scenario.model import Scenario
from sourceopt.scenario.schema import Rule, SolverSettings

POOL_KINDS = ("tiers", "rebates")


@dataclass(frozen=True)
class Category:
    """One category of the portfolio: its scenario (the chosen variant applied) and its name.

    ``name`` is the scenario's ``name``, or the file stem when two categories share a name.
    """

    name: str
    file: str
    variant: str
    scenario: Scenario


@dataclass(frozen=True)
class Portfolio:
    """A validated portfolio.

    ``rules`` are scenario rules over the whole portfolio; ``rule_categories[k]`` names the
    categories rule k's item selector is restricted to (None: all). Item ids in a rule's
    ``items`` are written ``<category>/<item>``.
    """

    name: str
    source: str
    currency: str
    categories: tuple[Category, ...]
    rules: tuple[Rule, ...]
    rule_categories: tuple[tuple[str, ...] | None, ...]
    pool: frozenset[str]
    solver: SolverSettings

    @property
    def category_names(self) -> tuple[str, ...]:
        """The categories' names, in file order."""
        return tuple(c.name for c in self.categories)

    def without_rules(self) -> Portfolio:
        """The same categories with no portfolio rules and no pooling (the independent case)."""
        return Portfolio(
            self.name, self.source, self.currency, self.categories, (), (), frozenset(), self.solver
        )

    def with_rules(
        self, rules: tuple[Rule, ...], rule_categories: tuple[tuple[str, ...] | None, ...]
    ) -> Portfolio:
        """The same portfolio with other organisation-wide rules."""
        return Portfolio(
            self.name,
            self.source,
            self.currency,
            self.categories,
            rules,
            rule_categories,
            self.pool,
            self.solver,
        )
