"""Upload bombs (small on disk, huge unpacked) are refused cheaply and the server lives on.

A server with small upload limits: table files are checked from what they declare (a Parquet
footer, a workbook's zip directory) before they are read, and read in a memory-capped child
process, so a file that gets past the checks but needs more memory ends that child, not the
server. Every answer is a structured 422 or 413; the server answers /healthz afterwards and
its own peak memory hardly moves.
"""

from __future__ import annotations

import io
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import Server, make_server

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
openpyxl = pytest.importorskip("openpyxl")

MAX_ROWS = 100_000
UNPACKED_MB = 16
UPLOAD_MEMORY_MB = 256

SCENARIO = b"""\
sourceopt: 1
name: bomb
items: [{id: A, demand: 10}]
suppliers: [{id: S}]
offers: {file: offers.%s}
"""


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with small upload limits (rows, unpacked bytes, the validator's memory)."""
    running = make_server(
        tmp_path_factory.mktemp("bombs"),
        "--max-table-rows",
        str(MAX_ROWS),
        "--max-unpacked-mb",
        str(UNPACKED_MB),
        "--upload-memory-mb",
        str(UPLOAD_MEMORY_MB),
        "--upload-workers",
        "2",
        "--workers",
        "1",
    )
    yield running
    running.stop()


def _parquet(table: object) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def row_bomb(rows: int) -> bytes:
    """A Parquet file of `rows` rows of nulls: a few kilobytes on disk."""
    return _parquet(pa.table({"supplier": pa.nulls(rows)}))


def memory_bomb(rows: int = MAX_ROWS, columns: int = 400) -> bytes:
    """Within the row limit, but rows x columns x 8 bytes unpacked (320 MB): a few MB packed."""
    zeros = pa.array([0.0] * rows)
    names = ["supplier", "item", "price"] + [f"attr.x{c}" for c in range(columns)]
    return _parquet(pa.table(dict.fromkeys(names, zeros)))


def sheet_bomb(unpacked_mb: int, name: str = "offers.xlsx") -> bytes:
    """A real workbook whose sheet XML carries `unpacked_mb` MB of spaces in a comment."""
    book = openpyxl.Workbook()
    book.active.append(["supplier", "item", "price"])
    book.active.append(["S", "A", 1.0])
    saved = io.BytesIO()
    book.save(saved)
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(saved) as source,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                content += b"<!--" + b" " * (unpacked_mb * 1024 * 1024) + b"-->"
            target.writestr(member.filename, content)
    return bomb.getvalue()


def _post(server: Server, suffix: str, content: bytes) -> httpx.Response:
    files = [
        ("scenario", ("scenario.yaml", SCENARIO % suffix.encode())),
        ("offers", (f"offers.{suffix}", content)),
    ]
    with server.client() as client:
        return client.post("/v1/jobs", files=files)


def _peak_rss_mb(server: Server) -> float:
    assert server.process is not None
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _alive(server: Server) -> None:
    assert httpx.get(f"{server.url}/healthz", timeout=10).json()["status"] == "ok"


def test_a_parquet_row_bomb_is_refused_from_its_footer(capped: Server) -> None:
    content = row_bomb(20_000_000)
    assert len(content) < 100_000  # small on disk
    before = _peak_rss_mb(capped)
    answer = _post(capped, "parquet", content)
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["problems"]
    assert problem["file"] == "offers.parquet"
    assert "20,000,000 rows; the limit is 100,000 rows" in problem["message"]
    assert _peak_rss_mb(capped) - before < 100
    _alive(capped)


@pytest.mark.parametrize(
    ("unpacked_mb", "words"),
    [(UNPACKED_MB * 2, "bytes unpacked; the limit is 16,777,216 bytes"), (8, "times its packed")],
)
def test_a_workbook_bomb_is_refused_from_its_zip_directory(
    capped: Server, unpacked_mb: int, words: str
) -> None:
    content = sheet_bomb(unpacked_mb)
    assert len(content) < unpacked_mb * 1024 * 1024 / 200
    answer = _post(capped, "xlsx", content)
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["error"] == "invalid"
    (problem,) = body["problems"]
    assert problem["file"] == "offers.xlsx"
    assert words in problem["message"]
    _alive(capped)


def test_two_concurrent_memory_bombs_end_their_own_processes(capped: Server) -> None:
    content = memory_bomb()
    assert len(content) < 4 * 1024 * 1024  # passes the body limit and the size checks
    before = _peak_rss_mb(capped)
    answers: list[httpx.Response] = []

    def send() -> None:
        answers.append(_post(capped, "parquet", content))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert [a.status_code for a in answers] == [413, 413], [a.text for a in answers]
    for answer in answers:
        body = answer.json()
        assert body["error"] == "too-large"
        assert f"more than {UPLOAD_MEMORY_MB:,} MB" in body["message"]
        assert "--upload-memory-mb" in body["message"]
    assert _peak_rss_mb(capped) - before < 100  # the server itself never read the tables
    _alive(capped)
    with capped.client() as client:  # and still validates ordinary uploads
        small = pa.table({"supplier": ["S"], "item": ["A"], "price": [2.0]})
        files = [
            ("scenario", ("scenario.yaml", SCENARIO % b"parquet")),
            ("offers", ("offers.parquet", _parquet(small))),
        ]
        assert client.post("/v1/validate", files=files).json()["offers"] == 1
