"""bench.matching's table with a single naive article (`--naive-articles 1` used to crash)."""

from __future__ import annotations

from bench.matching import _p95


def test_the_95th_percentile_of_one_timing_is_that_timing() -> None:
    assert _p95([0.25]) == 0.25
    assert _p95([float(i) for i in range(1, 101)]) >= 95
