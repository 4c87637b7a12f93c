#!/usr/bin/env python3
"""Checks usage JSON files (usage --format json, live and --since) against
schemas/usage.schema.json (JSON Schema 2020-12), and that the schema rejects
a few wrong documents made from the first live and the first history file.
Usage: check_usage.py FILE...  Exit 0 when every file is valid and every
wrong document is rejected."""
import sys

sys.dont_write_bytecode = True  # no __pycache__ for schema_check in the source tree
from schema_check import accepted, check_arguments, validator_for, wrong

validator = validator_for("usage")
docs, failures = check_arguments(validator, "check_usage.py FILE...")
live = [d for d in docs if "since_seconds" not in d]
history = [d for d in docs if "since_seconds" in d]

bad = []
if live:
    d = live[0]
    bad += [
        wrong(d, lambda d: d.update(format_version="2.0")),
        wrong(d, lambda d: d.pop("hosts")),
        wrong(d, lambda d: d.update(since_seconds=3600)),  # one shape or the other, not both
        wrong(d, lambda d: d.update(window_seconds=0)),
        wrong(d, lambda d: d.update(surprise=1)),
    ]
    if d["services"]:
        bad += [
            wrong(d, lambda d: d["services"][0].update(cpu_used="2.61")),
            wrong(d, lambda d: d["services"][0].update(throttled_ratio=1.5)),
            wrong(d, lambda d: d["services"][0].update(flags=["greedy"])),
            wrong(d, lambda d: d["services"][0].pop("cpu_limit")),
            wrong(d, lambda d: d["services"][0].update(memory_used_bytes=1.5)),
        ]
    if d["hosts"]:
        bad += [
            wrong(d, lambda d: d["hosts"][0].update(load1="high")),
            wrong(d, lambda d: d["hosts"][0].pop("error")),
        ]
if history:
    d = history[0]
    bad += [
        wrong(d, lambda d: d.update(window_seconds=10)),
        wrong(d, lambda d: d.update(since_seconds=0)),
    ]
    if d["services"]:
        bad += [
            wrong(d, lambda d: d["services"][0].update(first_at="yesterday")),
            wrong(d, lambda d: d["services"][0]["cpu"].pop("p95")),
            wrong(d, lambda d: d["services"][0]["memory_bytes"].update(p50=1.5)),
            wrong(d, lambda d: d["services"][0].update(samples=0)),
        ]
failures += accepted(validator, bad)
print(f"{len(live) + len(history)} documents, {len(bad)} wrong documents, {failures} problems")
sys.exit(1 if failures else 0)
