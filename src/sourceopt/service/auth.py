"""API keys: created once (only their SHA-256 is stored), listed, revoked, checked per request.

A key is ``so_<key id>_<secret>``; the key id is public (it names the key in lists and owns
the key's jobs), the secret is shown once by ``sourceopt keys create``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update

from sourceopt.service.store import Store, now
from sourceopt.service.tables import api_keys


@dataclass(frozen=True)
class ApiKey:
    """A stored key (never the key itself)."""

    id: str
    name: str
    created_at: datetime
    revoked_at: datetime | None


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(store: Store, name: str) -> tuple[str, ApiKey]:
    """Create a key; returns the key text (shown once) and what is stored about it."""
    key_id = secrets.token_hex(6)
    key = f"so_{key_id}_{secrets.token_urlsafe(32)}"
    record = ApiKey(key_id, name, now(), None)
    with store.begin() as connection:
        connection.execute(
            insert(api_keys).values(
                id=key_id, name=name, key_hash=_digest(key), created_at=record.created_at
            )
        )
    return key, record


def list_keys(store: Store) -> list[ApiKey]:
    """Every key, oldest first."""
    query = select(api_keys).order_by(api_keys.c.created_at)
    with store.engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [ApiKey(r["id"], r["name"], r["created_at"], r["revoked_at"]) for r in rows]


def revoke_key(store: Store, key_id: str) -> bool:
    """Revoke a key by its id (or name); False if no active key matched."""
    match = (api_keys.c.id == key_id) | (api_keys.c.name == key_id)
    with store.begin() as connection:
        done = connection.execute(
            update(api_keys).where(match, api_keys.c.revoked_at.is_(None)).values(revoked_at=now())
        ).rowcount
    return bool(done)


def key_id_for(store: Store, key: str) -> str | None:
    """The id of an active key, or None (unknown, malformed or revoked)."""
    if not key.startswith("so_") or len(key) > 200:
        return None
    query = select(api_keys.c.id).where(
        api_keys.c.key_hash == _digest(key), api_keys.c.revoked_at.is_(None)
    )
    with store.engine.connect() as connection:
        found = connection.execute(query).scalar()
    return str(found) if found is not None else None
