"""The parsed frontier metric: its text, read once into a type, and written back by ``str()``.

Forms (:data:`METRICS`): ``max_share``, ``supplier_count``, ``hhi``, ``group_share:<tag>``,
``group_share:country:<C>`` and ``average:<attribute>``. :func:`parse` is the only place that
reads the text; everything after it dispatches on the metric's class
(:mod:`sourceopt.analysis.metrics`). Each class says which way it is bounded by default,
whether it may be bounded from below, and whether it takes whole values only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar, TypeAlias

from sourceopt.errors import AnalysisError

METRICS = ("max_share", "supplier_count", "group_share:<tag>", "average:<attribute>", "hhi")


class Direction(enum.StrEnum):
    """Which side of a metric a frontier bounds: a cap or a floor."""

    AT_MOST = "at_most"
    AT_LEAST = "at_least"


AT_MOST, AT_LEAST = Direction.AT_MOST, Direction.AT_LEAST
_COUNTRY = "country:"


@dataclass(frozen=True)
class MaxShare:
    """The largest supplier's share of the spend (a cap only)."""

    default: ClassVar[Direction] = AT_MOST
    floors: ClassVar[bool] = False  # may be bounded from below
    integer: ClassVar[bool] = False

    def __str__(self) -> str:
        return "max_share"


@dataclass(frozen=True)
class Hhi:
    """The Herfindahl-Hirschman index of the spend shares, 0..10,000 (a cap only)."""

    default: ClassVar[Direction] = AT_MOST
    floors: ClassVar[bool] = False
    integer: ClassVar[bool] = False

    def __str__(self) -> str:
        return "hhi"


@dataclass(frozen=True)
class SupplierCount:
    """How many suppliers receive units (a floor by default)."""

    default: ClassVar[Direction] = AT_LEAST
    floors: ClassVar[bool] = True
    integer: ClassVar[bool] = True

    def __str__(self) -> str:
        return "supplier_count"


@dataclass(frozen=True)
class Group:
    """A group of suppliers: those with a tag, or those in a country (``country:<C>``)."""

    name: str
    country: bool = False

    def __str__(self) -> str:
        return f"{_COUNTRY}{self.name}" if self.country else self.name

    @property
    def kpi_key(self) -> str:
        """The group's key in the result's ``kpis.group_shares``."""
        return f"{_COUNTRY}{self.name}" if self.country else f"tag:{self.name}"


@dataclass(frozen=True)
class GroupShare:
    """A group's share of the spend (a floor by default)."""

    group: Group
    default: ClassVar[Direction] = AT_LEAST
    floors: ClassVar[bool] = True
    integer: ClassVar[bool] = False

    def __str__(self) -> str:
        return f"group_share:{self.group}"


@dataclass(frozen=True)
class Average:
    """The unit-weighted average of an offer attribute (a cap by default)."""

    attribute: str
    default: ClassVar[Direction] = AT_MOST
    floors: ClassVar[bool] = True
    integer: ClassVar[bool] = False

    def __str__(self) -> str:
        return f"average:{self.attribute}"


Metric: TypeAlias = MaxShare | SupplierCount | GroupShare | Average | Hhi
"""A parsed frontier metric; ``str(metric)`` is its canonical text, which :func:`parse` reads."""

_PLAIN: dict[str, Metric] = {
    "max_share": MaxShare(),
    "supplier_count": SupplierCount(),
    "hhi": Hhi(),
}


def is_share(metric: Metric) -> bool:
    """Whether the metric is a share of spend (shown as a percent)."""
    return isinstance(metric, MaxShare | GroupShare)


def parse(text: str) -> Metric:
    """The metric `text` names (see :data:`METRICS`; a group may be ``country:<C>``).

    Raises AnalysisError listing the valid forms. Tags and attributes are checked against a
    scenario by :func:`sourceopt.analysis.metrics.resolve`.
    """
    kind, _, arg = text.partition(":")
    if kind in _PLAIN and not arg:
        return _PLAIN[kind]
    if kind == "group_share" and arg:
        if arg.startswith(_COUNTRY):
            return GroupShare(Group(arg.removeprefix(_COUNTRY), country=True))
        return GroupShare(Group(arg))
    if kind == "average" and arg:
        return Average(arg)
    raise AnalysisError(f"unknown metric {text!r}; metrics are: {', '.join(METRICS)}")
