#!/usr/bin/env python3
"""The service's own latency histograms over a window: the difference of two /metrics scrapes, as the
share of events within each bucket.

  bench/metrics-window.py BEFORE.txt AFTER.txt
"""
import re
import sys

SERIES = {
    "push (shard change to frame written)": r'readstates_push_latency_seconds_bucket\{le="([^"]+)"\} (\S+)',
    "POST /v1/messages (request to answer)":
        r'vertx_http_server_response_time_seconds_bucket\{code="202",method="POST",route="/v1/messages",le="([^"]+)"\} (\S+)',
}
SHOWN = ["0.001", "0.002", "0.005", "0.01", "0.025", "0.05"]


def buckets(path, pattern):
    found = {}
    for line in open(path):
        match = re.match(pattern, line)
        if match:
            found[match.group(1)] = float(match.group(2))
    return found


def main():
    before, after = sys.argv[1], sys.argv[2]
    print("| service's own | events | " + " | ".join(f"within {float(b) * 1000:g} ms" for b in SHOWN) + " |")
    print("|---|---|" + "---|" * len(SHOWN))
    for label, pattern in SERIES.items():
        a, b = buckets(before, pattern), buckets(after, pattern)
        total = b.get("+Inf", 0) - a.get("+Inf", 0)
        if total <= 0:
            continue
        shares = [f"{100 * (b[le] - a.get(le, 0)) / total:.2f}%" for le in SHOWN]
        print(f"| {label} | {total:.0f} | " + " | ".join(shares) + " |")


if __name__ == "__main__":
    main()
