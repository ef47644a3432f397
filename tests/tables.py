"""Decision tables for pytest: one row per rule or boundary, with an id."""

import pytest


def rows(table, bugs: dict[str, str] | None = None) -> list:
    """pytest params from (id, *values) rows; ids listed in `bugs` are strict xfails that
    assert the correct behaviour of something the code gets wrong today."""
    bugs = bugs or {}
    unknown = set(bugs) - {r[0] for r in table}
    assert not unknown, unknown
    return [pytest.param(*r[1:], id=r[0],
                         marks=[pytest.mark.xfail(strict=True, reason=bugs[r[0]])]
                         if r[0] in bugs else [])
            for r in table]
