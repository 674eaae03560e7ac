"""What the rest of the program knows of a rule type: one :class:`RuleFamily` per type.

Each rule family is one module of :mod:`sourceopt.formulation.rules` that defines ``FAMILY``:
it builds the rule's rows, words it in a conflict, says how a unit of its violation is priced
in a relaxation (its elastic form) and what its rows and bound are in (its metric). The
analyses ask :func:`family_of` and never name a rule type. The award is checked by an
independent module of :mod:`sourceopt.verify` (its own registry), the file format by the
rule's class in :mod:`sourceopt.scenario.schema`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from sourceopt.errors import SourceoptError

if TYPE_CHECKING:
    from sourceopt.formulation.context import Context, IndicatorNeed
    from sourceopt.scenario.model import Scenario


class Bound(StrEnum):
    """What a rule's bound (and a unit of its violation) is: a share, money, a count, a number.

    A relaxation prices a unit of violation of a MONEY rule (or of any spend-measured rule) at
    1, of a COUNT rule at the highest price times the largest demand, of the others at the
    highest price (models/README.md, "relaxation").
    """

    SHARE = "share"
    MONEY = "money"
    COUNT = "count"
    NUMBER = "number"


class RuleFamily(Protocol):
    """One rule type: how it is built, worded, relaxed and measured."""

    @property
    def type(self) -> str:
        """The rule's ``type`` in a scenario file."""
        ...

    @property
    def bound(self) -> Bound:
        """What its bound is in."""
        ...

    @property
    def bound_word(self) -> str | None:
        """The bound's name in advice ("limit", "budget"); None: "minimum"/"maximum"."""
        ...

    def indicators(self, rule: Any, ctx: Context) -> list[IndicatorNeed]:
        """The award indicators its rows use, declared before any rule's rows are built."""
        ...

    def build(self, rule: Any, ctx: Context, ref: int) -> None:
        """Add the rows (and helper columns) of `rule`, at position `ref` in the rules."""
        ...

    def words(self, scenario: Scenario, rule: Any) -> str:
        """The rule as a conflict member, in business words (after "rule <name>")."""
        ...

    def volume_share(self, rule: Any) -> bool:
        """Elastic form: whether its rows bound units by a share of demand."""
        ...

    def share_bound(self, rule: Any, upper: bool) -> float | None:
        """Elastic form: a volume-share row's share of demand (upper or lower side)."""
        ...

    def row_unit(self, rule: Any, currency: str) -> str:
        """Its metric: what one unit of a row's bound is (units, money, suppliers, ...)."""
        ...


def _base_unit(rule: Any, currency: str) -> str:
    return currency if getattr(rule, "measure", "volume") == "spend" else "unit"


@dataclass(frozen=True)
class Family:
    """A :class:`RuleFamily` made of its module's functions (the defaults fit most rules)."""

    type: str
    builder: Callable[[Any, Context, int], None]
    wording: Callable[[Scenario, Any], str]
    bound: Bound = Bound.NUMBER
    bound_word: str | None = None
    needs: Callable[[Any, Context], list[IndicatorNeed]] | None = None
    share: Callable[[Any, bool], float | None] | None = None
    unit: str | None = None  # its rows' unit when fixed ("supplier", "money", ...)

    def indicators(self, rule: Any, ctx: Context) -> list[IndicatorNeed]:
        """The indicators its rows use (none by default)."""
        return [] if self.needs is None else self.needs(rule, ctx)

    def build(self, rule: Any, ctx: Context, ref: int) -> None:
        """Add the rule's rows."""
        self.builder(rule, ctx, ref)

    def words(self, scenario: Scenario, rule: Any) -> str:
        """The rule in a conflict."""
        return self.wording(scenario, rule)

    def volume_share(self, rule: Any) -> bool:
        """A share family measured by volume."""
        return self.share is not None and getattr(rule, "measure", "") == "volume"

    def share_bound(self, rule: Any, upper: bool) -> float | None:
        """A volume share's share of demand (None for a spend share or another rule)."""
        if self.share is None or not self.volume_share(rule):
            return None
        return self.share(rule, upper)

    def row_unit(self, rule: Any, currency: str) -> str:
        """What one unit of a row's bound is."""
        if self.unit is None:
            return _base_unit(rule, currency)
        return currency if self.unit == "money" else self.unit


def families() -> dict[str, RuleFamily]:
    """Every rule family, by rule type."""
    from sourceopt.formulation.rules import FAMILIES

    return dict(FAMILIES)


def family_of(rule: Any) -> RuleFamily:
    """The family of a rule; a type no family registers raises (never skipped)."""
    return family_of_type(getattr(rule, "type", None))


def family_of_type(rule_type: str | None) -> RuleFamily:
    """The family of a rule ``type`` (as a result's rule report names it); unknown raises."""
    from sourceopt.formulation.rules import FAMILIES

    found = FAMILIES.get(rule_type or "")
    if found is None:
        known = ", ".join(sorted(FAMILIES))
        raise SourceoptError(
            f"no rule family builds rules of type {rule_type!r}; registered types: {known}"
        )
    return found
