#!/usr/bin/env bash
# Set up (first run only) and run every check: ruff, ruff format, mypy (strict on src/), pytest.
SOURCEOPT_EXTRAS=all,dev source "$(dirname "$0")/env.sh"
.venv/bin/ruff check src tests
.venv/bin/ruff format --check src tests
.venv/bin/mypy
.venv/bin/python -m pytest -n 2 -q "$@"
