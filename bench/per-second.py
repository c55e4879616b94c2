#!/usr/bin/env python3
"""The seconds of load-tool timelines side by side: each run's median per-second p99, its worst second
(which, and why it may not count), and the worst of its clean seconds, as a markdown table.

A second is clean when the timeline did not mark it contaminated (other processes above 30% of a core,
steal above 10%, or a canary's late wake; see the README). With --rejudge, the seconds are judged again
from the timeline's columns by those three tests alone, the canary's limit CANARY_LIMIT_MS (10): for
timelines written while the load tool also judged the canaries' work (--canarySlowdown), which it no
longer does by default. Usage:
  bench/per-second.py [--rejudge] LABEL=TIMELINE.csv [LABEL=TIMELINE.csv ...]
"""
import csv
import os
import statistics
import sys

CANARY_LIMIT_MS = float(os.environ.get("CANARY_LIMIT_MS", "10"))


def contaminated(r, rejudge):
    if not rejudge:
        return r["contaminated"] == "1"
    late = float(r["canary_ms"]) > CANARY_LIMIT_MS if "canary_ms" in r else False
    return float(r["others_cpu_pct"]) > 30 or float(r["steal_pct"]) > 10 or late


def row(label, path, rejudge):
    with open(path) as f:
        seconds = [(int(r["second"]), float(r["p99_us"]) / 1000, contaminated(r, rejudge)) for r in csv.DictReader(f)]
    median = statistics.median(p99 for _, p99, _ in seconds)
    worst = max(seconds, key=lambda s: s[1])
    clean = [s for s in seconds if not s[2]]
    worst_clean = max(clean, key=lambda s: s[1]) if clean else None
    dirty = sum(1 for s in seconds if s[2])
    cells = [label, f"{median:.2f}", f"{worst[1]:.1f} (s {worst[0]}{', contaminated' if worst[2] else ''})",
             f"{worst[1] / median:.1f}",
             f"{worst_clean[1]:.1f} (s {worst_clean[0]})" if worst_clean else "none",
             f"{worst_clean[1] / median:.1f}" if worst_clean else "",
             f"{dirty} of {len(seconds)}"]
    return "| " + " | ".join(cells) + " |"


def main():
    print("| run | median per-second p99 ms | worst per-second p99 ms | worst / median | worst clean second ms | "
          "worst clean / median | contaminated s |")
    print("|---|---|---|---|---|---|---|")
    args = sys.argv[1:]
    rejudge = "--rejudge" in args
    for arg in (a for a in args if a != "--rejudge"):
        label, path = arg.split("=", 1)
        print(row(label, path, rejudge))


if __name__ == "__main__":
    main()
