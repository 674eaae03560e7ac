"""The parsed frontier metric: text to type and back, its errors, and its bounds on a scenario."""

from __future__ import annotations

import pytest

from sourceopt import AnalysisError, load_scenario
from sourceopt.analysis.metric_spec import (
    AT_LEAST,
    AT_MOST,
    Average,
    Group,
    GroupShare,
    Hhi,
    MaxShare,
    SupplierCount,
    parse,
)
from sourceopt.analysis.metrics import resolve

CANONICAL = {
    "max_share": MaxShare(),
    "supplier_count": SupplierCount(),
    "hhi": Hhi(),
    "group_share:small": GroupShare(Group("small")),
    "group_share:country:DE": GroupShare(Group("DE", country=True)),
    "group_share:country": GroupShare(Group("country")),  # a tag called "country"
    "group_share:a:b": GroupShare(Group("a:b")),
    "average:risk": Average("risk"),
}
USAGE = "; metrics are: max_share, supplier_count, group_share:<tag>, average:<attribute>, hhi"


@pytest.mark.parametrize("text", list(CANONICAL))
def test_parse_and_str_round_trip(text: str) -> None:
    metric = parse(text)
    assert metric == CANONICAL[text]
    assert str(metric) == text
    assert parse(str(metric)) == metric


def test_group_keys_are_the_result_kpi_keys() -> None:
    assert Group("small").kpi_key == "tag:small"
    assert Group("DE", country=True).kpi_key == "country:DE"


UNKNOWN = ["cost", "", "group_share", "group_share:", "average", "average:", "max_share:x"]
UNKNOWN += ["hhi:3", "MAX_SHARE", "country:DE"]


@pytest.mark.parametrize("text", UNKNOWN)
def test_unknown_metrics_list_the_valid_forms(text: str) -> None:
    with pytest.raises(AnalysisError) as info:
        parse(text)
    assert str(info.value) == f"unknown metric {text!r}{USAGE}"


SCENARIO = {
    "sourceopt": 1,
    "name": "metric-spec",
    "items": [{"id": "A", "demand": 100}],
    "suppliers": [
        {"id": "S1", "country": "DE", "attributes": {"risk": 0.5}},
        {"id": "S2", "country": "FR", "tags": ["small"], "attributes": {"risk": 0.1}},
    ],
    "offers": [
        {"supplier": "S1", "item": "A", "price": 10},
        {"supplier": "S2", "item": "A", "price": 12},
    ],
}


def test_resolve_directions_and_far_ends() -> None:
    sc = load_scenario(SCENARIO)
    # defaults: caps for shares of the largest, hhi and averages; floors for counts and groups
    assert resolve(sc, parse("max_share")).direction is AT_MOST
    assert resolve(sc, parse("hhi")).far == 0.0
    count = resolve(sc, parse("supplier_count"))
    assert (count.direction, count.far, count.integer) == (AT_LEAST, 2.0, True)  # 2 suppliers
    assert resolve(sc, parse("supplier_count"), "at_most").far == 1.0
    group = resolve(sc, parse("group_share:country:FR"))
    assert (group.direction, group.far, group.integer) == (AT_LEAST, 1.0, False)
    assert resolve(sc, parse("group_share:small"), "at_most").far == 0.0
    # risk 0.5 (S1) and 0.1 (S2): the best cap is 0.1, the best floor 0.5
    assert resolve(sc, parse("average:risk")).far == pytest.approx(0.1)
    assert resolve(sc, parse("average:risk"), "at_least").far == pytest.approx(0.5)


def test_resolve_errors_name_what_exists() -> None:
    sc = load_scenario(SCENARIO)
    with pytest.raises(AnalysisError, match="unknown direction 'up'; use 'at_most' or 'at_least'"):
        resolve(sc, parse("hhi"), "up")
    with pytest.raises(AnalysisError, match=r"^hhi can only be bounded from above \(direction"):
        resolve(sc, parse("hhi"), "at_least")
    with pytest.raises(AnalysisError, match="no supplier has the country 'country:IT'"):
        resolve(sc, parse("group_share:country:IT"))
    with pytest.raises(AnalysisError, match="countries \\(as country:<C>\\): DE, FR"):
        resolve(sc, parse("group_share:big"))
    with pytest.raises(AnalysisError, match="attributes are: risk"):
        resolve(sc, parse("average:quality"))
