"""The one palette of everything sourceopt draws: report pages and workbooks, frontier plots.

Core (imports nothing): the shells (report, service page) and the optional frontier plot
take their colours from here, so a figure looks the same in the terminal's ``--plot``, the
HTML report, the Excel workbook and the browser page.
"""

from __future__ import annotations

ACCENT = "#1f4e79"  # headers, the main series (spend, cost)
GOOD = "#548235"  # savings, winners
WARN = "#bf8f00"  # a third series
MUTED = "#7f6084"  # a fourth series
BAD = "#c00000"  # losses, negative savings, the knee of a frontier
GRID = "#d9d9d9"  # chart gridlines
WIN_FILL = "#e2efda"  # a winning bid's cell
SUBTLE_TEXT = "#595959"  # subtitles and notes
SERIES = (ACCENT, GOOD, WARN, MUTED)
