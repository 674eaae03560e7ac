"""Running an inline job (:func:`sourceopt.batch.jobs.inline_job`) inside a worker process.

The one execute function shared by the batch worker loop and the HTTP service: load the job's
scenario with the request loader (:func:`sourceopt.batch.intake.load_request`, unless the job
already carries a loaded Scenario), run its kind (:func:`sourceopt.batch.kinds.run_kind`) and
return the JSON-ready result, or a failure record (:func:`sourceopt.batch.worker.failure`:
``status`` ``error``, a ``kind`` and a ``reason``; ``problems`` for an invalid scenario).
Nothing here raises.

Failure kinds: ``invalid`` (the scenario), ``backend``, ``invalid-options`` (an unknown kind
or option), ``memory``, ``internal`` (a bug: logged here, never sent on with a traceback).
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any

from sourceopt.batch.jobs import Job
from sourceopt.errors import BackendError, ScenarioError, SourceoptError

log = logging.getLogger("sourceopt.batch.execute")


def execute(job: Job, memory_mb: int = 0) -> dict[str, Any]:
    """Run inline `job`: its result, or its failure record."""
    from sourceopt.batch.intake import load_request
    from sourceopt.batch.kinds import run_kind
    from sourceopt.batch.worker import failure, misbehave_for_tests
    from sourceopt.scenario.model import Scenario

    try:
        scenario = job.scenario
        if not isinstance(scenario, Scenario):
            models_dir = job.options.models_dir
            scenario = load_request(
                scenario,
                job.uploads or {},
                Path(models_dir) if models_dir else None,
                file=job.file,
                raw=job.raw,
            )
        misbehave_for_tests(scenario.name, memory_mb)
        result: dict[str, Any] = run_kind(job.kind, scenario, dict(job.params or {}))
        return result
    except ScenarioError as exc:
        record = failure(job, "invalid", str(exc).split(":", 1)[0], job.key)
        record["problems"] = [
            {"file": p.file, "place": p.place, "message": p.message} for p in exc.problems
        ]
        return record
    except BackendError as exc:
        return failure(job, "backend", str(exc), job.key)
    except SourceoptError as exc:
        return failure(job, "invalid-options", str(exc), job.key)
    except MemoryError:
        return failure(job, "memory", "the job ran out of its memory limit", job.key)
    except Exception as exc:  # a bug: log it here, never pass a traceback on
        log.error("job failed with an internal error:\n%s", traceback.format_exc())
        reason = f"internal error ({type(exc).__name__}); see the server log"
        return failure(job, "internal", reason, job.key)
