#!/usr/bin/env python3
"""A canary for time taken from a core by something this machine cannot see.

The scripts' contamination test counts the CPU of other processes and the steal in /proc/stat; on a
virtual machine whose host does not report steal, a vCPU descheduled by the host shows in neither.
A canary pinned to a core asks to wake every millisecond and records how late it woke: a thread
that has just become runnable preempts a busy one on an otherwise healthy core within a fraction of a
millisecond, so a wake several milliseconds late means the core itself was gone.

  canary.py run OUT          one line per second to OUT: epoch second, wakes, latest wake in ms,
                             wakes later than 2 ms; until killed (start it under taskset -c CORE)
  canary.py summary LIMIT_MS FROM TO FILE...
                             per file, the seconds from FROM to TO (epoch, inclusive) whose latest
                             wake was later than LIMIT_MS, and the latest wake of all
"""
import signal
import sys
import time

PERIOD = 0.001


def run(out_path):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(out_path, "w", buffering=1) as out:
        second = int(time.time())
        wakes = latest = over = 0
        due = time.perf_counter() + PERIOD
        while True:
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            woke = time.perf_counter()
            late = woke - due
            due = max(due + PERIOD, woke + PERIOD / 2)
            now = int(time.time())
            if now != second:
                out.write(f"{second},{wakes},{latest * 1e3:.3f},{over}\n")
                second, wakes, latest, over = now, 0, 0.0, 0
            wakes += 1
            latest = max(latest, late)
            over += late > 0.002


def summary(limit_ms, start, end, paths):
    for path in paths:
        rows = []
        with open(path) as f:
            for line in f:
                second, _, latest, _ = line.strip().split(",")
                if start <= int(second) <= end:
                    rows.append(float(latest))
        late = sum(1 for latest in rows if latest > limit_ms)
        worst = max(rows, default=0.0)
        print(f"{path.rsplit('/', 1)[-1]}: {late} of {len(rows)} seconds with a wake later than {limit_ms:g} ms; "
              f"latest wake {worst:.1f} ms")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "run":
        run(sys.argv[2])
    elif len(sys.argv) >= 6 and sys.argv[1] == "summary":
        summary(float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
