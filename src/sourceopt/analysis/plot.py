"""Draw a trade-off frontier (matplotlib, the optional extra ``plot``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sourceopt import theme
from sourceopt.errors import AnalysisError

if TYPE_CHECKING:
    from sourceopt.analysis.frontier import Frontier

FORMATS = (".png", ".svg", ".pdf")


def plot_frontier(front: Frontier, path: str | Path) -> Path:
    """Write the frontier (objective against the metric's value, knee marked) to `path`."""
    out = Path(path)
    if out.suffix.lower() not in FORMATS:
        raise AnalysisError(f"cannot draw {out.name!r}: use a file ending in {', '.join(FORMATS)}")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise AnalysisError(
            "drawing a frontier needs matplotlib: pip install 'sourceopt[plot]'"
        ) from exc
    pts = [(p.value, p.objective) for p in front.points]
    xs = [float(v) for v, o in pts if v is not None and o is not None]
    ys = [float(o) for v, o in pts if v is not None and o is not None]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.plot(xs, ys, "o-", color=theme.ACCENT)
    knee = front.knee
    if knee is not None and knee.value is not None and knee.objective is not None:
        ax.plot([knee.value], [knee.objective], "o", color=theme.BAD, markersize=11, zorder=3)
        ax.annotate("knee", (knee.value, knee.objective), textcoords="offset points", xytext=(8, 8))
    ax.set_xlabel(f"{front.metric} ({front.direction.replace('_', ' ')} the bound)")
    ax.set_ylabel(f"objective ({front.currency})")
    ax.set_title(f"{front.scenario} / {front.variant}: cost against {front.metric}")
    ax.grid(True, color=theme.GRID)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)
    return out
