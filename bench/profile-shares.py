#!/usr/bin/env python3
"""Shares of a JFR recording's Java execution samples that pass through each part of the ack route.

A sample counts for a part when any frame of its stack matches the part's pattern, so the parts overlap
where one calls another (the write-behind calls the Redis client). Usage:
  bench/profile-shares.py RECORDING.jfr [JAVA_HOME]
"""
import os
import re
import subprocess
import sys

PARTS = [
    ("Jackson (JSON), all", r"com\.fasterxml\.jackson"),
    ("Jackson data binding", r"com\.fasterxml\.jackson\.databind"),
    ("Netty's HTTP codec", r"HttpObjectDecoder|HttpObjectEncoder|HttpRequestDecoder|HttpResponseEncoder"),
    ("write-behind (persist)", r"io\.readstates\.persist"),
    ("Redis client", r"io\.vertx\.redis"),
    ("store", r"io\.readstates\.store"),
    ("Micrometer", r"io\.micrometer"),
    ("internal token check", r"HttpApi\.authenticate"),
    ("waking another event loop", r"NioIoHandler\.wakeup"),
]


def main():
    recording = sys.argv[1]
    java_home = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")
    text = subprocess.run([os.path.join(java_home, "bin", "jfr"), "print", "--events", "jdk.ExecutionSample",
                           "--stack-depth", "80", recording], capture_output=True, text=True, check=True).stdout
    samples = [s for s in text.split("jdk.ExecutionSample") if "line:" in s]
    print(f"{len(samples)} Java execution samples in {recording}")
    for name, pattern in PARTS:
        hits = sum(1 for s in samples if re.search(pattern, s))
        print(f"  {100 * hits / max(len(samples), 1):5.1f}%  {name}")


if __name__ == "__main__":
    main()
