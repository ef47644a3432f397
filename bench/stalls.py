"""Stalls of a benchmark server's event loop: every callback that holds the loop longer than a
threshold, with the stack it was in, and every garbage collection longer than another. This
is what found the SMS benchmark's tail (README, Benchmarks): the collector freeing each
turn's reference cycles, and a write-ahead log that never started over.

    .venv/bin/python -m bench.sms_turns --seconds 10 --only service --stalls /tmp/stalls.jsonl

The server writes one JSON line per stall; `summarize` prints what the load generator's side
shows after the run. It costs the server a thread waking every 2 ms: not benchmark figures.
"""

from __future__ import annotations

import asyncio.events
import collections
import gc
import json
import sys
import threading
import time
import traceback
from pathlib import Path

STALL_MS = 10.0     # a callback holding the loop longer than this is logged
STACK_AT_MS = 8.0   # where the loop's thread is once a callback has run this long
GC_MS = 3.0         # a garbage collection longer than this is logged


def install(path: Path) -> None:
    """Log this process's stalls to `path` from now on (the server calls it at start)."""
    log = open(path, "a", buffering=1)  # noqa: SIM115  (open for the process's life)
    lock = threading.Lock()
    running: dict[str, object] = {"since": None, "stack": None}
    loop_thread = threading.get_ident()

    def write(record: dict) -> None:
        with lock:
            log.write(json.dumps(record) + "\n")

    # asyncio has no hook around each callback; Handle._run is where every one of them runs
    # (tasks' steps included), so the probe wraps it.
    run = asyncio.events.Handle._run

    def timed_run(handle: asyncio.events.Handle) -> None:
        running["since"], running["stack"] = time.perf_counter(), None
        try:
            run(handle)
        finally:
            took = (time.perf_counter() - running["since"]) * 1000
            running["since"] = None
            if took > STALL_MS:
                write({"kind": "stall", "at": time.time(), "ms": round(took, 1),
                       "callback": repr(handle)[:160], "stack": running["stack"]})

    def watch() -> None:
        while True:
            time.sleep(0.002)
            since = running["since"]
            if since is None or running["stack"] is not None:
                continue
            if (time.perf_counter() - since) * 1000 > STACK_AT_MS:
                frame = sys._current_frames().get(loop_thread)
                if frame is not None:
                    running["stack"] = [f"{Path(f.filename).name}:{f.lineno} {f.name}"
                                        for f in traceback.extract_stack(frame)[-12:]]

    started: dict[str, float] = {}

    def collected(phase: str, info: dict) -> None:
        if phase == "start":
            started["at"] = time.perf_counter()
            return
        took = (time.perf_counter() - started.get("at", time.perf_counter())) * 1000
        if took > GC_MS:
            write({"kind": "gc", "at": time.time(), "ms": round(took, 1),
                   "generation": info["generation"], "collected": info["collected"]})

    asyncio.events.Handle._run = timed_run
    threading.Thread(target=watch, name="stall-probe", daemon=True).start()
    gc.callbacks.append(collected)


def summarize(path: Path, since: float, until: float) -> str:
    """What the log says of the window [since, until] (the measured phase)."""
    records = [json.loads(line) for line in path.read_text().splitlines()]
    records = [r for r in records if since <= r["at"] <= until]
    stalls = [r for r in records if r["kind"] == "stall"]
    collections_ = [r for r in records if r["kind"] == "gc"]
    seconds = max(until - since, 1e-9)
    lines = [f"\n== event-loop stalls over the measured phase ({path}) ==",
             f"{len(stalls)} callbacks over {STALL_MS:g} ms ({len(stalls) / seconds:.1f}/s, "
             f"{sum(r['ms'] for r in stalls):.0f} ms in all); "
             f"{len(collections_)} garbage collections over {GC_MS:g} ms "
             f"({sum(r['ms'] for r in collections_):.0f} ms in all, "
             f"{sum(r['collected'] for r in collections_)} objects freed)"]
    where = collections.Counter(_place(r["stack"]) for r in stalls)
    for place, count in where.most_common(8):
        lines.append(f"  {count:4d}  {place}")
    return "\n".join(lines)


def _place(stack: list[str] | None) -> str:
    """The innermost frames of a stall's stack. The collector holds the loop's thread until
    it is done, so a stall it caused is caught in this module's callback at its end."""
    if not stack:
        return f"(no stack: ended before {STACK_AT_MS:g} ms)"
    frames = [f for f in stack if not f.startswith(Path(__file__).name)]
    head = ["garbage collection"] if len(frames) < len(stack) else []
    return " <- ".join(head + list(reversed(frames[-3:])))
