"""Benchmark specs x sizes x phases (after linopy's benchmarks/registry.py).

A spec is a generator family with its sizes (offers), the smallest size (the smoke pass in the
test suite), the solve settings and which side-by-side comparisons run at which sizes:

- ``overhead``: sourceopt end to end (table file to verified result) / HiGHS ``run()`` alone
- ``pulp``: sourceopt front end (load+validate+build+hand-off) vs a PuLP model written with
  loops (benchmarks/pulp_baseline.py), both solved to the same objective
- ``formulation``: sourceopt (HiGHS) vs that PuLP model solved by CBC, time to proven optimum
- ``backends``: the same Program on every installed backend (time to proven optimum)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.phases import PHASES

ORLIB_DIR = Path(__file__).resolve().parent / "data" / "orlib-cap"  # shipped with its provenance
RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Spec:
    """One benchmark family: sizes, solve settings and comparisons per size."""

    family: str
    sizes: tuple[int, ...]
    smoke: int
    mip_gap: float = 1e-6
    time_limit: float = 600.0
    comparisons: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def compare_at(self, size: int) -> tuple[str, ...]:
        """The comparisons that run at `size`."""
        return tuple(k for k, sizes in self.comparisons.items() if size in sizes)


SPECS: dict[str, Spec] = {
    "split-lp": Spec(
        "split-lp",
        sizes=(10_000, 100_000, 1_000_000),
        smoke=2_000,
        comparisons={
            "overhead": (10_000, 100_000, 1_000_000),
            "pulp": (2_000, 10_000, 100_000),
        },
    ),
    "award-mip": Spec(
        "award-mip",
        sizes=(10_000, 100_000),
        smoke=500,
        mip_gap=1e-4,
        comparisons={
            "formulation": (500, 10_000),
            "backends": (500, 10_000),
        },
    ),
    "coupa-scale": Spec(
        "coupa-scale",
        sizes=(1_080_000,),
        smoke=5_000,
        mip_gap=1e-4,
        comparisons={"overhead": (5_000, 1_080_000)},
    ),
    "freight-loads": Spec(
        "freight-loads",
        sizes=(10_000, 100_000),
        smoke=600,
        comparisons={"overhead": (600, 10_000)},
    ),
}
ORLIB_SMOKE = ("cap41", "cap71")
# a portfolio of categories (benchmarks/portfolio_gen.py): size = total offers (200 x 5,000 at
# 1,000,000; the smoke size is 4 x 200); the stacked monolithic solve and the decomposition run
# side by side at every size (benchmarks/bench_portfolio.py)
PORTFOLIO = Spec(
    "portfolio",
    sizes=(1_000_000,),
    smoke=800,
    comparisons={"decomposition": (800, 1_000_000)},
)
FAMILIES = (*SPECS, "orlib-cap", "portfolio")


def orlib_instances() -> tuple[str, ...]:
    """The OR-Library cap instances present beside the project, by name."""
    names = [p.stem for p in ORLIB_DIR.glob("cap*.txt")]
    return tuple(sorted(names, key=lambda n: (len(n), n)))


@dataclass(frozen=True)
class Case:
    """One benchmark run: a family at one size (or one OR-Library instance)."""

    family: str
    size: int | str

    @property
    def label(self) -> str:
        """``family/size``, as the table prints it."""
        return f"{self.family}/{self.size}"


def cases(
    family: str | None = None, size: str | None = None, *, smoke: bool = False
) -> Iterator[Case]:
    """The cases selected by family and size (all sizes, or the smoke sizes)."""
    for fam in FAMILIES if family is None else (family,):
        if fam not in FAMILIES:
            raise SystemExit(f"unknown family {fam!r}; families are: {', '.join(FAMILIES)}")
        if fam == "orlib-cap":
            names = ORLIB_SMOKE if smoke else orlib_instances()
            for name in names:
                if size is None or size in (name, "all"):
                    yield Case(fam, name)
            continue
        spec = PORTFOLIO if fam == "portfolio" else SPECS[fam]
        sizes = (spec.smoke,) if smoke else spec.sizes
        for n in sizes if size is None else (int(size),):
            yield Case(fam, n)


__all__ = [
    "FAMILIES",
    "PHASES",
    "PORTFOLIO",
    "RESULTS_DIR",
    "SPECS",
    "Case",
    "Spec",
    "cases",
]
