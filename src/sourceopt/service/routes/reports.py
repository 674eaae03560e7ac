"""``/v1/jobs/{id}/report.html`` and ``report.xlsx``: a solve job's award report.

Rendered by :mod:`sourceopt.report` from the stored result document (and, for the items,
suppliers and bids as received, the job's stored scenario, loaded again as the job was). With
``?with=ID,ID`` the other solve jobs' results are the variants side by side (the Scenarios
section). Authenticated like every job route: a key sees its own jobs only.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from sourceopt.errors import SourceoptError
from sourceopt.report.model import Report
from sourceopt.service.errors import ApiError
from sourceopt.service.state import Caller, Service, ServiceDep
from sourceopt.service.store import JobRow

log = logging.getLogger("sourceopt.service")
router = APIRouter(prefix="/v1/jobs", tags=["reports"])
MAX_WITH = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# the report is one self-contained page: its inline styles and SVG, nothing else
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
_ERROR_JSON = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDoc"}}}
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": why, "content": _ERROR_JSON}
    for code, why in (
        (401, "no or an unknown key"),
        (404, "no such job for this key"),
        (409, "the job has not finished, or failed"),
        (422, "not a solve job, or too many jobs in `with`"),
        (429, "over the key's rate"),
    )
}
WithQuery = Annotated[
    str,
    Query(
        alias="with",
        max_length=2000,
        description="other solve jobs (comma-separated ids): the variants side by side",
    ),
]


def _ids(job_id: str, others: str) -> list[str]:
    ids = list(dict.fromkeys([job_id, *(i.strip() for i in others.split(",") if i.strip())]))
    if len(ids) > MAX_WITH + 1:
        raise ApiError(422, "invalid", f"with: at most {MAX_WITH} other jobs")
    return ids


def _result(job: JobRow | None, job_id: str) -> dict[str, Any]:
    """A finished solve job's result document, or the API error saying why there is none."""
    if job is None:
        raise ApiError(404, "not-found", f"no job {job_id!r} for this key")
    if job.kind != "solve":
        raise ApiError(
            422, "not-a-solve", f"job {job_id} is a {job.kind!r} job; a report needs solve jobs"
        )
    if job.status != "succeeded" or job.result is None:
        raise ApiError(
            409,
            "no-result",
            f"job {job_id} is {job.status}: a report needs a finished solve "
            f"(GET /v1/jobs/{job_id}?wait=30 waits for it)",
        )
    result: dict[str, Any] = json.loads(job.result)
    return result


def _facts(service: Service, job: JobRow, variant: str) -> dict[str, Any] | None:
    """The job's scenario facts (items, suppliers, bids), loaded as the job was; None if not."""
    from sourceopt.report.facts import scenario_facts
    from sourceopt.scenario.variants import apply_variant
    from sourceopt.service.intake import STORED_SCENARIO, load_request
    from sourceopt.service.uploads import Upload, validator_for

    settings = service.settings
    request = json.loads(job.request)
    files = service.store.files(job.seq)
    raw = files.pop(STORED_SCENARIO, None)
    file = request.get("file") or "<request>"
    try:
        if files:
            validator = validator_for(
                settings.upload_memory_mb, settings.upload_workers, settings.upload_seconds
            )
            upload = Upload(
                request["scenario"], files, settings.models_dir, file, raw, settings.table_limits()
            )
            scenario = validator.load(upload)
        else:
            scenario = load_request(request["scenario"], {}, settings.models_dir, file, raw)
        return scenario_facts(apply_variant(scenario, variant))
    except (SourceoptError, ApiError) as exc:  # e.g. a model changed since: figures only
        log.warning("report of job %s without the scenario's facts: %s", job.id, exc)
        return None


async def _report(service: Service, caller: str, job_id: str, others: str) -> Report:
    from sourceopt.report.model import build_report

    ids = _ids(job_id, others)
    rows = [await run_in_threadpool(service.store.get, i, caller) for i in ids]
    results = [_result(row, i) for row, i in zip(rows, ids, strict=True)]
    first = rows[0]
    facts = None
    if first is not None:  # always: _result refused a missing job
        facts = await run_in_threadpool(_facts, service, first, str(results[0].get("variant")))
    return build_report(results[0], facts=facts, variants=results)


async def _render(render: Any, report: Report) -> Any:
    """Render in a worker thread; a server without the ``report`` extra answers 501."""
    try:
        return await run_in_threadpool(render, report)
    except SourceoptError as exc:  # pragma: no cover - the report extra is part of `all`
        raise ApiError(501, "no-reports", f"this server cannot render reports: {exc}") from exc


def _filename(report: Report, suffix: str) -> str:
    s = report.summary
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{s.scenario}-{s.variant}-award").strip("-")
    return f"{stem or 'award'}{suffix}"


@router.get("/{job_id}/report.html", response_class=HTMLResponse, responses=_ERRORS)
async def report_html(
    job_id: str, service: ServiceDep, caller: Caller, others: WithQuery = ""
) -> HTMLResponse:
    """The award report of a finished solve job as one self-contained HTML page."""
    from sourceopt.report.html import render_html

    report = await _report(service, caller, job_id, others)
    page = await _render(render_html, report)
    headers = {
        "Content-Security-Policy": REPORT_CSP,
        "Content-Disposition": f'inline; filename="{_filename(report, ".html")}"',
        "Cache-Control": "no-store",
    }
    return HTMLResponse(page, headers=headers)


def _workbook_bytes(report: Report) -> bytes:
    from sourceopt.report.workbook import write_workbook

    with tempfile.TemporaryDirectory(prefix="sourceopt-report-") as folder:
        path = write_workbook(report, Path(folder) / "award.xlsx")
        return path.read_bytes()


@router.get(
    "/{job_id}/report.xlsx",
    response_class=Response,
    responses={**_ERRORS, 200: {"content": {XLSX: {}}, "description": "the award workbook"}},
)
async def report_xlsx(
    job_id: str, service: ServiceDep, caller: Caller, others: WithQuery = ""
) -> Response:
    """The award workbook (.xlsx) of a finished solve job."""
    report = await _report(service, caller, job_id, others)
    data = await _render(_workbook_bytes, report)
    headers = {
        "Content-Disposition": f'attachment; filename="{_filename(report, ".xlsx")}"',
        "Cache-Control": "no-store",
    }
    return Response(data, media_type=XLSX, headers=headers)
