"""Publish times as proxies write them (Go's RFC 3339: trailing zeros of the fraction trimmed)
are read on every supported Python, not only where datetime.fromisoformat is lenient (3.11+)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from modlsp.core.versionfacts import parse_info, parse_time

UTC = timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2024-01-02T03:04:05.5Z", datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=UTC)),
        ("2019-11-28T16:16:26.123456789Z", datetime(2019, 11, 28, 16, 16, 26, 123456, tzinfo=UTC)),
        (
            "2024-01-02T03:04:05+02:00",
            datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("2024-13-02T03:04:05Z", None),  # no such month
        ("yesterday", None),
        ("", None),
    ],
)
def test_times(text: str, expected: datetime | None) -> None:
    assert parse_time(text) == expected


def test_an_info_without_a_time_still_names_its_version() -> None:
    info = parse_info(b'{"Version": "v1.2.3"}')
    assert (info.version, info.time) == ("v1.2.3", None)
