"""A ``portfolio`` job's request: a portfolio file and its category files, uploaded together.

The request is multipart form data (as a scenario with uploaded tables): the ``scenario`` part
is the portfolio file (``sourceopt_portfolio: 1``), one part per category scenario file it
names and one per table file those name, ``kind=portfolio`` and optional ``options``. The
references are confined as a scenario's are: a category must name an uploaded file (plain
names; a glob matches uploaded names), a category's tables uploaded files, its ``model`` one
of the server's models. The files are then written to a private temporary folder and loaded
by the library's own loader (:func:`sourceopt.portfolio.load_portfolio`), in the same
memory-capped child process as uploaded tables (:mod:`sourceopt.service.uploads`); the
offer and rule limits apply to the categories together.
"""

from __future__ import annotations

import fnmatch
import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sourceopt.errors import Problem, ScenarioError
from sourceopt.scenario.read import parse_document
from sourceopt.service.intake import (
    REQUEST_FILE,
    reference_problems,
    referenced_files,
    safe_name,
)

if TYPE_CHECKING:
    from sourceopt.portfolio import Portfolio

KIND = "portfolio"
_DEFAULT_NAME = "portfolio.json"


def category_refs(data: Any) -> list[tuple[str, str]]:
    """(key path, file reference) of each category entry of a portfolio document."""
    entries = data.get("categories") if isinstance(data, dict) else None
    out = []
    for k, entry in enumerate(entries if isinstance(entries, list) else []):
        ref = entry.get("file") if isinstance(entry, dict) else entry
        if isinstance(ref, str):
            place = f"categories[{k}].file" if isinstance(entry, dict) else f"categories[{k}]"
            out.append((place, ref))
    return out


def category_names(data: Any, uploaded: Mapping[str, bytes]) -> list[str]:
    """The uploaded files the portfolio's categories name (globs matched), in order."""
    names: list[str] = []
    for _, ref in category_refs(data):
        matches = sorted(n for n in uploaded if fnmatch.fnmatchcase(n, ref))
        for name in matches if set("*?[") & set(ref) else [ref] if ref in uploaded else []:
            if name not in names:
                names.append(name)
    return names


def stored_files(data: Any, uploaded: Mapping[str, bytes]) -> dict[str, bytes]:
    """The uploaded files a portfolio job keeps: its categories' files and their tables."""
    kept: dict[str, bytes] = {}
    for name in category_names(data, uploaded):
        kept[name] = uploaded[name]
        try:
            doc = parse_document(uploaded[name], name)
        except ScenarioError:
            continue
        kept.update({t: uploaded[t] for t in referenced_files(doc) if t in uploaded})
    return kept


def portfolio_problems(
    data: Any, uploaded: Mapping[str, bytes], file: str, models_dir: Path | None
) -> list[Problem]:
    """Category references outside the uploaded files, and each category's own references."""
    if not isinstance(data, dict) or "sourceopt_portfolio" not in data:
        return [
            Problem(
                file,
                "sourceopt_portfolio",
                "a portfolio job's 'scenario' part must be a portfolio file (with "
                "'sourceopt_portfolio: 1'); send a scenario with kind 'solve'",
            )
        ]
    problems = []
    names = ", ".join(sorted(uploaded)) or "none"
    for place, ref in category_refs(data):
        globbed = bool(set("*?[") & set(ref))
        found = any(fnmatch.fnmatchcase(n, ref) for n in uploaded) if globbed else ref in uploaded
        if not safe_name(ref) or not found:
            problems.append(
                Problem(
                    file,
                    place,
                    f"category file {ref!r} was not uploaded with the request (uploaded: "
                    f"{names}); upload each category's scenario file as a multipart part",
                )
            )
    for name in category_names(data, uploaded):
        try:
            doc = parse_document(uploaded[name], name)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(reference_problems(doc, name, uploaded, models_dir))
    return problems


def load_portfolio_request(
    data: Any,
    uploaded: Mapping[str, bytes],
    models_dir: Path | None = None,
    file: str = REQUEST_FILE,
    raw: bytes | None = None,
) -> Portfolio:
    """Validate a portfolio request and its uploaded files; raises ScenarioError."""
    from sourceopt.portfolio import load_portfolio
    from sourceopt.service.intake import _strip_folder

    problems = portfolio_problems(data, uploaded, file, models_dir)
    if problems:
        raise ScenarioError(problems)
    own = file if safe_name(file) and file not in uploaded else _DEFAULT_NAME
    body = raw if raw is not None and own == file else json.dumps(data).encode()
    with tempfile.TemporaryDirectory(prefix="sourceopt-portfolio-") as folder:
        base = Path(folder)
        for name, content in uploaded.items():
            (base / name).write_bytes(content)
        (base / own).write_bytes(body)
        try:
            return load_portfolio(base / own)
        except ScenarioError as exc:
            raise ScenarioError(_strip_folder(exc.problems, folder)) from None


@dataclass(frozen=True)
class StoredPortfolioRequest:
    """A stored portfolio job's request, loaded in the worker (like ``StoredRequest``)."""

    data: Any
    uploads: Mapping[str, bytes] = field(default_factory=dict)
    file: str = REQUEST_FILE
    raw: bytes | None = None
    models_dir: str | None = None

    def load(self) -> Portfolio:
        """The validated Portfolio (:func:`load_portfolio_request`); raises ScenarioError."""
        models = Path(self.models_dir) if self.models_dir else None
        return load_portfolio_request(self.data, self.uploads, models, self.file, self.raw)


def offer_count(portfolio: Portfolio) -> int:
    """The offers of all categories together (the server's --max-offers applies to them)."""
    return sum(c.scenario.n_offers for c in portfolio.categories)
