"""Reports: the committee award workbook and the self-contained HTML report.

One report model (:class:`~sourceopt.report.model.Report`, built from result documents by
:func:`~sourceopt.report.model.build_report`), two renderings: :func:`write_workbook`
(``.xlsx``, needs the ``report`` extra) and :func:`write_html` (one ``.html`` file). The
core never imports this package.
"""

from __future__ import annotations

from sourceopt.report.facts import scenario_facts
from sourceopt.report.model import Report, build_report

__all__ = ["Report", "build_report", "scenario_facts", "write_html", "write_workbook"]


def __getattr__(name: str) -> object:
    if name == "write_workbook":
        from sourceopt.report.workbook import write_workbook

        return write_workbook
    if name == "write_html":
        from sourceopt.report.html import write_html

        return write_html
    raise AttributeError(name)
