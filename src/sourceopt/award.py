"""An award in business terms: units per offer and which bundles are accepted.

This is the only thing the verifier is told about a solve: it recomputes everything else
(prices, tiers, rebates, rule values) from the scenario itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Award:
    """Units awarded through each offer (aligned with ``scenario.offers``) and accepted bundles."""

    offer_units: np.ndarray
    bundles: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "offer_units", np.asarray(self.offer_units, dtype=float))
        object.__setattr__(self, "bundles", np.asarray(self.bundles, dtype=bool))
