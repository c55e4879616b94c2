#!/usr/bin/env python3
"""A canary for time taken from a core by something this machine cannot see.

The scripts' contamination test counts the CPU of other processes and the steal in /proc/stat; on a
virtual machine whose host does not report steal, a vCPU descheduled by the host shows in neither.
A canary pinned to a core asks to wake every millisecond and records how late it woke. Started at a
real-time priority (chrt -f 1 taskset -c CORE ...), it preempts any ordinary thread on waking, so a wake
several milliseconds late means the core itself was gone. (At the normal priority, busy threads on
the core delay it too: three of them, 8.5 ms.)

Each wake also times a fixed piece of work: a host that shares the core's hardware with a busy
neighbour, or slows it, makes that work take longer without making a wake late. Compare the median of
a second with the run's fastest second.

  canary.py run OUT          one line per second to OUT: epoch second, wakes, latest wake in ms,
                             wakes later than 2 ms, median time of the work in microseconds; until
                             killed (start it under chrt -f 1 taskset -c CORE)
  canary.py summary LIMIT_MS FROM TO FILE...
                             per file, the seconds from FROM to TO (epoch, inclusive) whose latest
                             wake was later than LIMIT_MS, and the latest wake of all
"""
import signal
import sys
import time

PERIOD = 0.001


def work():
    """About 20 microseconds of the interpreter's work on a healthy core: always the same."""
    total = 0
    for i in range(1000):
        total += i
    return total


def run(out_path):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(out_path, "w", buffering=1) as out:
        second = int(time.time())
        wakes = latest = over = 0
        took = []
        due = time.perf_counter() + PERIOD
        while True:
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            woke = time.perf_counter()
            late = woke - due
            work()
            done = time.perf_counter()
            due = max(due + PERIOD, done + PERIOD / 2)
            now = int(time.time())
            if now != second:
                took.sort()
                median = took[len(took) // 2] * 1e6 if took else 0.0
                out.write(f"{second},{wakes},{latest * 1e3:.3f},{over},{median:.1f}\n")
                second, wakes, latest, over, took = now, 0, 0.0, 0, []
            wakes += 1
            latest = max(latest, late)
            over += late > 0.002
            took.append(done - woke)


def summary(limit_ms, start, end, paths):
    for path in paths:
        rows = []
        with open(path) as f:
            for line in f:
                fields = line.strip().split(",")
                if start <= int(fields[0]) <= end:
                    rows.append((float(fields[2]), float(fields[4]) if len(fields) > 4 else 0.0))
        late = sum(1 for latest, _ in rows if latest > limit_ms)
        worst = max((latest for latest, _ in rows), default=0.0)
        works = sorted(work for _, work in rows if work > 0)
        slowest = f"; work per second, median {works[len(works) // 2]:.1f} us, slowest {works[-1]:.1f} us" if works else ""
        print(f"{path.rsplit('/', 1)[-1]}: {late} of {len(rows)} seconds with a wake later than {limit_ms:g} ms; "
              f"latest wake {worst:.1f} ms{slowest}")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "run":
        run(sys.argv[2])
    elif len(sys.argv) >= 6 and sys.argv[1] == "summary":
        summary(float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
