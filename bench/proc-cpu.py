#!/usr/bin/env python3
"""Per-second CPU of every process of the machine (and of the threads of the processes named), from /proc.

  bench/proc-cpu.py sample OUT.txt [PID ...]     # until killed: one line per process (or thread) that ran
  bench/proc-cpu.py top OUT.txt SECONDS [N] [END]  # the N busiest over the SECONDS seconds up to END (epoch;
                                                 # default: the last sampled), in % of a core

A line: epoch second, pid (or pid/task/tid), CPU ticks (1/100 s) in that second, core last run on, name.
"""
import collections
import os
import sys
import time


def sample(out_path, pids):
    hz = os.sysconf("SC_CLK_TCK")
    previous = {}
    with open(out_path, "w") as out:
        while True:
            now = int(time.time())
            paths = [f"/proc/{p}/stat" for p in os.listdir("/proc") if p.isdigit()]
            for pid in pids:
                try:
                    paths += [f"/proc/{pid}/task/{t}/stat" for t in os.listdir(f"/proc/{pid}/task")]
                except OSError:
                    pass
            current = {}
            for path in paths:
                try:
                    with open(path) as f:
                        stat = f.read()
                except OSError:
                    continue
                name = stat[stat.index("(") + 1:stat.rindex(")")].replace(" ", "_")
                fields = stat[stat.rindex(")") + 2:].split()
                key = path[len("/proc/"):-len("/stat")]
                current[key] = (int(fields[11]) + int(fields[12]), fields[36], name)
            for key, (ticks, core, name) in current.items():
                if key in previous and ticks > previous[key][0]:
                    out.write(f"{now} {key} {(ticks - previous[key][0]) * 100 // hz} cpu{core} {name}\n")
            out.flush()
            previous = current
            time.sleep(1)


def top(path, seconds, n, end=None):
    rows = [line.split() for line in open(path)]
    last = end if end is not None else max(int(r[0]) for r in rows)
    used = collections.Counter()
    names = {}
    for second, key, ticks, core, name in rows:
        if last - seconds < int(second) <= last:
            used[key] += int(ticks)
            names[key] = f"{name} ({core})"
    for key, ticks in used.most_common(n):
        print(f"| {key} | {names[key]} | {ticks / seconds:.1f} |")


if __name__ == "__main__":
    if sys.argv[1] == "sample":
        sample(sys.argv[2], sys.argv[3:])
    else:
        top(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 8,
            int(sys.argv[5]) if len(sys.argv) > 5 else None)
