"""The service commands: ``serve`` and ``keys create|list|revoke`` (need ``sourceopt[service]``)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import click

from sourceopt.cli.exits import EXIT_USAGE

_STORE_HELP = "job store URL: sqlite:///FILE (default) or postgresql://USER@HOST/DB"
_DEFAULT_STORE = "sqlite:///sourceopt-service.db"


def _store_url(store: str | None) -> str:
    return store or os.environ.get("SOURCEOPT_STORE") or _DEFAULT_STORE


def store_location(url: str) -> str:
    """Where a store URL keeps its data: a SQLite file's absolute path; a password hidden."""
    if url.startswith("sqlite:///"):
        file = url.removeprefix("sqlite:///")
        return f"{url} (the file {Path(file).resolve()})" if file else url
    return hide_password(url)


def hide_password(url: str) -> str:
    """The store URL with any password replaced by ``***`` (it is printed)."""
    return re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", url)


def _need_service() -> None:
    try:
        import fastapi  # noqa: F401
        import sqlalchemy  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        click.echo(
            f"error: the service needs the extra 'service' ({exc.name} is missing): "
            "pip install 'sourceopt[service]'",
            err=True,
        )
        sys.exit(EXIT_USAGE)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 256), default=2, show_default=True)
@click.option("--store", default=None, help=_STORE_HELP + " [env SOURCEOPT_STORE]")
@click.option("--models", "models_dir", type=click.Path(file_okay=False), default=None)
@click.option("--executor", type=click.Choice(["process", "dask"]), default="process")
@click.option("--scheduler", default=None, help="Dask scheduler address (--executor dask)")
@click.option("--max-body-mb", type=click.FloatRange(min=0.001), default=20.0, show_default=True)
@click.option("--max-offers", type=click.IntRange(1), default=1_000_000, show_default=True)
@click.option("--max-rules", type=click.IntRange(1), default=1_000, show_default=True)
@click.option("--max-table-rows", type=click.IntRange(1), default=2_000_000, show_default=True)
@click.option("--max-unpacked-mb", type=click.IntRange(1), default=512, show_default=True)
@click.option("--upload-memory-mb", type=click.IntRange(64), default=2048, show_default=True)
@click.option("--upload-workers", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option("--max-queue", type=click.IntRange(1), default=1_000, show_default=True)
@click.option(
    "--max-queue-per-key",
    type=click.IntRange(1),
    default=None,
    help="queued jobs one API key may have (429 beyond)  [default: half of --max-queue]",
)
@click.option(
    "--retain-days",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="delete finished jobs and their files this long after they finished (0: keep)",
)
@click.option(
    "--limit-concurrency",
    type=click.IntRange(2),
    default=1_000,
    show_default=True,
    help="open connections and requests at once; over it, 503",
)
@click.option(
    "--timeout-keep-alive",
    type=click.IntRange(1),
    default=5,
    show_default=True,
    help="seconds an idle keep-alive connection is held open",
)
@click.option(
    "--rate", type=click.IntRange(1), default=6_000, show_default=True, help="per key/min"
)
@click.option("--job-seconds", type=click.FloatRange(min=1), default=3600.0, show_default=True)
@click.option("--memory-mb", type=click.IntRange(256), default=4096, show_default=True)
@click.option("--sync-max-offers", type=click.IntRange(1), default=5_000, show_default=True)
@click.option("--sync-seconds", type=click.FloatRange(min=0.1), default=30.0, show_default=True)
@click.option("--max-attempts", type=click.IntRange(1), default=3, show_default=True)
@click.option("--cors-origin", "cors", multiple=True, help="allow this origin (CORS is off)")
def serve(host: str, port: int, store: str | None, models_dir: str | None, **limits: Any) -> None:
    """Start the HTTP service (FastAPI under uvicorn)."""
    _need_service()
    import uvicorn

    from sourceopt.service.app import create_app
    from sourceopt.service.settings import Settings

    if limits["executor"] == "dask" and not limits["scheduler"]:
        raise click.UsageError("--executor dask needs --scheduler ADDRESS")
    limits["max_body_bytes"] = int(limits.pop("max_body_mb") * 1024 * 1024)
    limits["cors_origins"] = tuple(limits.pop("cors"))
    limits["rate_per_minute"] = limits.pop("rate")
    connections = limits.pop("limit_concurrency")
    keep_alive = limits.pop("timeout_keep_alive")
    settings = Settings(
        store_url=_store_url(store),
        models_dir=Path(models_dir) if models_dir else None,
        **limits,
    )
    click.echo(f"jobs and API keys are stored in {store_location(settings.store_url)}", err=True)
    shown = hide_password(settings.store_url)
    click.echo(f"create a key: sourceopt keys create --name NAME --store {shown}", err=True)
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="info",
        access_log=False,
        limit_concurrency=connections,
        timeout_keep_alive=keep_alive,
    )


@click.group()
def keys() -> None:
    """Manage the service's API keys (only their hashes are stored)."""


def _store(store: str | None) -> Any:
    _need_service()
    from sourceopt.service.store import Store

    return Store(_store_url(store))


@keys.command("create")
@click.option("--name", required=True, help="who or what uses the key")
@click.option("--store", default=None, help=_STORE_HELP)
def keys_create(name: str, store: str | None) -> None:
    """Create a key and print it once (it cannot be shown again)."""
    from sourceopt.service.auth import create_key

    key, record = create_key(_store(store), name)
    click.echo(key)
    click.echo(f"created key {record.id} ({name}); store it now: it is not shown again", err=True)


@keys.command("list")
@click.option("--store", default=None, help=_STORE_HELP)
def keys_list(store: str | None) -> None:
    """List the keys (id, name, created, revoked)."""
    from sourceopt.cli.render import table
    from sourceopt.service.auth import list_keys

    rows = [
        [k.id, k.name, f"{k.created_at:%Y-%m-%d %H:%M}", _date(k.revoked_at)]
        for k in list_keys(_store(store))
    ]
    click.echo(table(["id", "name", "created", "revoked"], rows))


@keys.command("revoke")
@click.argument("key_id")
@click.option("--store", default=None, help=_STORE_HELP)
def keys_revoke(key_id: str, store: str | None) -> None:
    """Revoke a key by its id or name; its requests get 401 from then on."""
    from sourceopt.service.auth import revoke_key

    if not revoke_key(_store(store), key_id):
        click.echo(f"error: no active key {key_id!r} (see `sourceopt keys list`)", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"revoked {key_id}")


def _date(value: object) -> str:
    return f"{value:%Y-%m-%d}" if value is not None else "-"
