"""The browser page at ``/``: sign in with an API key, upload a scenario, run, see the report.

The page is server-rendered HTML with one plain script (``/ui/app.js``, no build step, no
third-party code) that calls the same job API as every client, with the key the user signs
in with (kept in the tab's sessionStorage): ``POST /v1/jobs`` (multipart uploads, one solve
job per variant picked), ``GET /v1/jobs/{id}?wait=`` (progress), and the job's
``report.html`` / ``report.xlsx`` (routes/reports.py). One helper of its own,
``POST /ui/inspect``, validates an upload as ``POST /v1/validate`` does and returns what the
page needs to offer variants (and, for a bare bid workbook, the scenario document that refers
to its sheets, to send as the job's scenario part).
"""

from __future__ import annotations

import html
from pathlib import Path
from string import Template
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

import sourceopt
from sourceopt.errors import Problem, ScenarioError
from sourceopt.scenario.model import Scenario
from sourceopt.service.errors import ApiError
from sourceopt.service.intake import safe_name
from sourceopt.service.routes import BODY_ERRORS
from sourceopt.service.state import Caller, ServiceDep
from sourceopt.service.submission import REQUEST, Submission, check, read_submission

router = APIRouter(include_in_schema=False)
ASSETS = Path(__file__).resolve().parents[1] / "ui"
STATIC = {"app.js": "text/javascript", "app.css": "text/css", "favicon.svg": "image/svg+xml"}
# the page loads its own script and styles only; the report is shown in a sandboxed frame
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; frame-src 'self' blob: about:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@router.get("/", response_class=HTMLResponse)
def page(service: ServiceDep) -> HTMLResponse:
    """The page: server-rendered, the script enhances it (nothing else is loaded)."""
    settings = service.settings
    text = Template((ASSETS / "index.html").read_text(encoding="utf-8")).substitute(
        version=html.escape(sourceopt.__version__),
        max_body_mb=f"{settings.max_body_bytes / 1024**2:g}",
        rate=html.escape(str(settings.rate_per_minute)),
    )
    headers = {"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-cache"}
    return HTMLResponse(text, headers=headers)


@router.get("/ui/{name}")
def asset(name: str) -> FileResponse:
    """The page's script, styles and icon (a fixed list; nothing else is served)."""
    if name not in STATIC:
        raise ApiError(404, "not-found", f"no file {name!r}")
    return FileResponse(
        ASSETS / name, media_type=STATIC[name], headers={"Cache-Control": "no-cache"}
    )


async def _workbook_submission(part: UploadFile, settings: Any) -> Submission:
    """A bare bid workbook: its scenario document (sheets as tables) and the file."""
    from sourceopt.scenario.sizes import size_problem
    from sourceopt.scenario.workbook import workbook_document

    filename = part.filename or "bids.xlsx"
    if not safe_name(filename):
        raise _invalid([Problem(REQUEST, "scenario", f"refused file name {filename!a}")])
    content = await part.read()
    too_large = size_problem(content, "Excel", settings.table_limits())
    if too_large is not None:
        raise _invalid([Problem(filename, "", too_large)])
    try:
        document = await run_in_threadpool(workbook_document, content, filename)
    except ScenarioError as exc:
        raise _invalid(list(exc.problems)) from None
    return Submission("validate", document, {}, {filename: content}, filename, None)


def _invalid(problems: list[Problem]) -> ApiError:
    count = len(problems)
    return ApiError(422, "invalid", f"{count} problem{'s' * (count != 1)} in the input", problems)


def _summary(scenario: Scenario, document: Any | None) -> dict[str, Any]:
    base = {"name": "base", "description": "the scenario as it is"}
    variants = [base] + [
        {"name": v.name, "description": v.description or ""} for v in scenario.variants
    ]
    return {
        "scenario": scenario.name,
        "category": scenario.category,
        "currency": scenario.currency,
        "items": len(scenario.items),
        "suppliers": len(scenario.suppliers),
        "offers": scenario.n_offers,
        "rules": len(scenario.rules),
        "variants": variants,
        "document": document,
    }


@router.post("/ui/inspect", responses=BODY_ERRORS)
async def inspect(request: Request, service: ServiceDep, caller: Caller) -> JSONResponse:
    """Validate an upload (as /v1/validate) and list its variants, for the page's form.

    For a bare bid workbook (the ``scenario`` part an ``.xlsx``), ``document`` is the
    scenario document referring to its sheets: the page sends it as the job's scenario.
    """
    del caller  # authenticated and rate-limited like every API call
    form = await request.form()
    part = form.get("scenario")
    document = None
    if isinstance(part, UploadFile) and (part.filename or "").lower().endswith(".xlsx"):
        submission = await _workbook_submission(part, service.settings)
        document = submission.scenario
    else:
        submission = await read_submission(request, envelope=True)
        submission.kind = "validate"
    scenario = await run_in_threadpool(check, submission, service.settings, service.kinds)
    return JSONResponse(_summary(scenario, document))
