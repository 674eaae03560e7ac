"""Array helpers shared by the builder and the verifier (numpy only, no business terms)."""

from __future__ import annotations

import numpy as np

DENSE_LIMIT = 64_000_000  # largest key space handled with a dense table (1 byte + 8 per key)


def unique_inverse(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_inverse=True)`` for integer keys in ``[0, size)``.

    With a key space of at most :data:`DENSE_LIMIT` a presence table replaces the sort
    (linear time: about ten times faster on a million keys); the result is the same.
    """
    keys = np.asarray(keys, dtype=np.int64)
    if size > DENSE_LIMIT or size < 0:
        found, inverse = np.unique(keys, return_inverse=True)
        return found, inverse.reshape(-1)
    present = np.zeros(size, dtype=bool)
    present[keys] = True
    found = np.flatnonzero(present)
    rank = np.cumsum(present, dtype=np.int64) - 1
    return found, rank[keys]
