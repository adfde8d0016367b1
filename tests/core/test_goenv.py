"""`go env -json`: one run answers every key, and callers asking while it runs share it."""

from __future__ import annotations

import fcntl
import os
import sys
import threading
from pathlib import Path

from modlsp.core import goenv

TIMEOUT = 30.0


def counting_go(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    """A stand-in go command: each run appends a line to `runs`, says it started through the
    `started` FIFO, waits for a shared lock on `lock`, then answers `go env -json`."""
    runs, started, lock = tmp_path / "runs", tmp_path / "started", tmp_path / "go.lock"
    os.mkfifo(started)
    lock.write_bytes(b"")
    script = tmp_path / "go"
    script.write_text(
        f"#!{sys.executable}\n"
        "import fcntl, json, sys\n"
        f"with open({str(runs)!r}, 'a') as log:\n"
        "    log.write(' '.join(sys.argv[1:]) + '\\n')\n"
        f"with open({str(started)!r}, 'w') as fifo:\n"
        "    fifo.write('started\\n')\n"
        f"with open({str(lock)!r}, 'rb') as held:\n"
        "    fcntl.flock(held, fcntl.LOCK_SH)\n"
        "print(json.dumps({key: '/goroot' if key == 'GOROOT' else '' for key in sys.argv[3:]}))\n"
    )
    script.chmod(0o755)
    return script, runs, started, lock


class _Joining(threading.Event):
    """The run's `done` event, telling the test when a second caller waits on it."""

    def __init__(self, joined: threading.Event) -> None:
        super().__init__()
        self.joined = joined

    def wait(self, timeout: float | None = None) -> bool:
        self.joined.set()
        return super().wait(timeout)


def test_callers_at_the_same_time_share_one_run(tmp_path: Path) -> None:
    go, runs, started, lock = counting_go(tmp_path)
    answers: dict[str, dict[str, str] | None] = {}

    def ask(name: str) -> None:
        answers[name] = goenv.go_environment(str(go), TIMEOUT)

    with lock.open("rb") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        first = threading.Thread(target=ask, args=("first",))
        first.start()
        with started.open() as fifo:  # the first caller's go process is running
            assert fifo.readline() == "started\n"
        joined = threading.Event()
        goenv._running[str(go)].done = _Joining(joined)
        second = threading.Thread(target=ask, args=("second",))
        second.start()
        assert joined.wait(TIMEOUT)  # the second caller waits for the first's run
        fcntl.flock(holder, fcntl.LOCK_UN)
        first.join(TIMEOUT)
        second.join(TIMEOUT)

    assert runs.read_text() == "env -json " + " ".join(goenv.GO_ENV_KEYS) + "\n"
    assert answers["first"] is answers["second"]
    assert answers["first"] is not None and answers["first"]["GOROOT"] == "/goroot"
    assert goenv._running == {}


def test_one_key(tmp_path: Path) -> None:
    go = tmp_path / "go"
    go.write_text(f'#!{sys.executable}\nprint(\'{{"GOROOT": "/goroot", "GOAUTH": 1}}\')\n')
    go.chmod(0o755)
    assert goenv.go_env("GOROOT", str(go)) == "/goroot"
    assert goenv.go_env("GOMODCACHE", str(go)) == ""  # not in the answer: unset
    assert goenv.go_env("GOAUTH", str(go)) == ""  # not a string


def test_a_missing_or_failing_go_command_answers_none(tmp_path: Path) -> None:
    assert goenv.go_environment(str(tmp_path / "no-such-go")) is None
    failing = tmp_path / "go"
    failing.write_text("#!/bin/sh\nexit 1\n")
    failing.chmod(0o755)
    assert goenv.go_env("GOROOT", str(failing)) is None
    assert goenv._running == {}
