"""A request body to a checked submission: JSON (tables inline) or a multipart upload.

JSON: ``{kind?, scenario, options?}`` (for ``/v1/validate`` the scenario itself). Multipart:
a ``scenario`` file part (YAML or JSON), one file part per table file it names, and optional
``kind`` and ``options`` (JSON text) fields.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from sourceopt.errors import Problem, ScenarioError
from sourceopt.jobs.kinds import check_options
from sourceopt.scenario.messages import problems_from
from sourceopt.scenario.model import Scenario
from sourceopt.scenario.read import is_unicode, parse_document, parse_json
from sourceopt.service.documents import RequestOptions
from sourceopt.service.errors import ApiError
from sourceopt.service.intake import (
    REQUEST_FILE,
    STORED_SCENARIO,
    load_request,
    referenced_files,
    safe_name,
)
from sourceopt.service.limits import size_problems
from sourceopt.service.settings import Settings
from sourceopt.service.uploads import Upload, validator_for

REQUEST = "<request>"


@dataclass
class Submission:
    """What was sent: the job kind, the scenario data, options and uploaded files."""

    kind: str
    scenario: Any
    options: dict[str, Any] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    file: str = REQUEST_FILE
    raw: bytes | None = None

    def stored(self) -> str:
        """The request as stored with the job."""
        body = {"scenario": self.scenario, "options": self.options, "file": self.file}
        return json.dumps({**body, "uploaded": bool(self.files)})

    def files_to_store(self) -> dict[str, bytes]:
        """The uploaded tables the scenario names (no others), plus the scenario's own bytes.

        The scenario file is stored under :data:`STORED_SCENARIO`, a name no part can have.
        """
        if self.kind == "portfolio":
            from sourceopt.service.portfolio_intake import stored_files

            kept = stored_files(self.scenario, self.files)
            return kept if self.raw is None else {**kept, STORED_SCENARIO: self.raw}
        named = referenced_files(self.scenario)
        kept = {name: content for name, content in self.files.items() if name in named}
        return kept if self.raw is None else {**kept, STORED_SCENARIO: self.raw}

    def sha256(self) -> str:
        """A digest of everything that defines the job (for Idempotency-Key checks)."""
        digest = hashlib.sha256(self.kind.encode())
        digest.update(json.dumps([self.scenario, self.options], sort_keys=True).encode())
        for name in sorted(self.files):
            digest.update(name.encode() + hashlib.sha256(self.files[name]).digest())
        return digest.hexdigest()


async def read_submission(request: Request, *, envelope: bool) -> Submission:
    """Parse the body; `envelope` False means the body is the scenario itself."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        return await _multipart(request)
    raw = await request.body()
    try:
        data = await run_in_threadpool(parse_json, raw, REQUEST)  # off the event loop
    except ScenarioError as exc:
        raise _invalid(list(exc.problems)) from None
    if not envelope:
        return Submission("validate", data)
    return _envelope(data)


def _envelope(data: Any) -> Submission:
    if not isinstance(data, dict):
        raise _invalid([Problem(REQUEST, "", "expected a JSON object {kind, scenario, options}")])
    unknown = sorted(set(data) - {"kind", "scenario", "options"})
    problems = [Problem(REQUEST, k, f"unknown key {k!r}") for k in unknown]
    if "scenario" not in data:
        problems.append(Problem(REQUEST, "scenario", "missing required key 'scenario'"))
    kind = data.get("kind", "solve")
    if not isinstance(kind, str):
        problems.append(Problem(REQUEST, "kind", "expected a job kind (text)"))
    options = _options(data.get("options"), problems)
    if problems:
        raise _invalid(problems)
    return Submission(str(kind), data["scenario"], options)


def _options(value: Any, problems: list[Problem]) -> dict[str, Any]:
    if value is None:
        return {}
    try:
        return RequestOptions.model_validate(value).model_dump(exclude_none=True)
    except ValidationError as exc:
        problems += problems_from(exc, value, REQUEST, prefix="options")
        return {}


async def _multipart(request: Request) -> Submission:
    form = await request.form()
    files: dict[str, bytes] = {}
    scenario: tuple[str, bytes] | None = None
    problems: list[Problem] = []
    for name, value in form.multi_items():
        if not isinstance(value, UploadFile):
            continue
        filename = value.filename or name
        if not safe_name(filename) or not is_unicode(filename):
            place = name if is_unicode(name) else ascii(name)
            problems.append(Problem(REQUEST, place, f"refused file name {filename!a}"))
            continue
        content = await value.read()
        if name == "scenario":
            scenario = (filename, content)
        else:
            files[filename] = content
    if scenario is None:
        problems.append(Problem(REQUEST, "scenario", "missing the 'scenario' file part"))
    options_text = form.get("options")
    options: dict[str, Any] = {}
    if isinstance(options_text, str) and options_text.strip():
        try:
            options = _options(parse_json(options_text, REQUEST), problems)
        except ScenarioError as exc:
            problems += [_in_options(p) for p in exc.problems]
    if problems or scenario is None:
        raise _invalid(problems)
    try:
        data = parse_document(scenario[1], scenario[0])
    except ScenarioError as exc:
        raise _invalid(list(exc.problems)) from None
    kind = form.get("kind")
    return Submission(
        kind if isinstance(kind, str) else "solve", data, options, files, scenario[0], scenario[1]
    )


def _in_options(problem: Problem) -> Problem:
    """A problem of the multipart ``options`` field's JSON, placed under ``options``."""
    place = problem.place
    if not place or place.startswith(("line ", "byte ")):
        message = f"{place}: {problem.message}" if place else problem.message
        return Problem(REQUEST, "options", message)
    return Problem(
        REQUEST, f"options.{place}" if place[0] != "[" else f"options{place}", problem.message
    )


def _invalid(problems: list[Problem]) -> ApiError:
    count = len(problems)
    message = f"{count} problem{'s' if count != 1 else ''} in the input"
    return ApiError(422, "invalid", message, problems)


def check(submission: Submission, settings: Settings, kinds: list[str]) -> Scenario | Any:
    """Validate a submission with the library's loader; raise 422 with every problem.

    The Scenario, or for a ``portfolio`` job the Portfolio.
    """
    if submission.kind not in kinds and submission.kind != "validate":
        message = f"unknown job kind {submission.kind!r}; this server runs: {', '.join(kinds)}"
        raise _invalid([Problem(REQUEST, "kind", message)])
    if submission.kind == "portfolio":
        return _check_portfolio(submission, settings)
    problems = size_problems(submission.scenario, settings, submission.file)
    if submission.kind != "validate":
        submission.options, found = check_options(submission.kind, submission.options, REQUEST)
        problems += found
    if problems:
        raise _invalid(problems)
    try:
        scenario = _load(submission, settings)
    except ScenarioError as exc:
        raise _invalid(list(exc.problems)) from None
    problems = size_problems({}, settings, submission.file, offers=scenario.n_offers)
    if problems:
        raise _invalid(problems)
    return scenario


def _load(submission: Submission, settings: Settings) -> Scenario:
    """The library's loader; with uploaded files, in a memory-capped process (uploads.py)."""
    if not submission.files:
        return load_request(
            submission.scenario, {}, settings.models_dir, file=submission.file, raw=submission.raw
        )
    upload = Upload(
        submission.scenario,
        submission.files,
        settings.models_dir,
        submission.file,
        submission.raw,
        settings.table_limits(),
    )
    validator = validator_for(
        settings.upload_memory_mb, settings.upload_workers, settings.upload_seconds
    )
    return validator.load(upload)


def _check_portfolio(submission: Submission, settings: Settings) -> Any:
    """A portfolio job: options, then its files loaded in a capped process, then the limits."""
    from sourceopt.service.portfolio_intake import offer_count

    submission.options, problems = check_options("portfolio", submission.options, REQUEST)
    if problems:
        raise _invalid(problems)
    upload = Upload(
        submission.scenario,
        submission.files,
        settings.models_dir,
        submission.file,
        submission.raw,
        settings.table_limits(),
        portfolio=True,
    )
    validator = validator_for(
        settings.upload_memory_mb, settings.upload_workers, settings.upload_seconds
    )
    try:
        portfolio = validator.load_portfolio(upload)
    except ScenarioError as exc:
        raise _invalid(list(exc.problems)) from None
    rules = sum(len(c.scenario.rules) for c in portfolio.categories) + len(portfolio.rules)
    problems = size_problems(
        {"rules": [None] * rules}, settings, submission.file, offers=offer_count(portfolio)
    )
    if problems:
        raise _invalid(problems)
    return portfolio
