"""The service's settings are validated when they are made (the same bounds as `serve`)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sourceopt.service.settings import Settings


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("workers", 0),  # serve --workers is 1..256
        ("workers", 257),
        ("memory_mb", 255),  # serve --memory-mb is at least 256
        ("job_seconds", 0),
        ("lease_seconds", -1.0),
        ("retain_days", -0.5),
        ("max_queue", 0),
        ("executor", "threads"),
        ("colour", "blue"),  # no such setting
    ],
)
def test_a_setting_out_of_its_bounds_is_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError, match=field):
        Settings.model_validate({field: value})


def test_dask_needs_a_scheduler_and_settings_are_frozen() -> None:
    with pytest.raises(ValidationError, match="needs a scheduler address"):
        Settings(executor="dask")
    settings = Settings(executor="dask", scheduler="tcp://127.0.0.1:8786", retain_days=0)
    assert settings.queue_per_key == 500  # half of the default queue of 1,000
    with pytest.raises(ValidationError, match="frozen"):
        settings.workers = 3  # type: ignore[misc]
