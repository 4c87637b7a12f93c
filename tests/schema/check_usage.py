#!/usr/bin/env python3
"""Checks usage JSON files (usage --format json, live and --since) against
schemas/usage.schema.json (JSON Schema 2020-12), and that the schema rejects
a few wrong documents made from the first live and the first history file.
Usage: check_usage.py FILE...  Exit 0 when every file is valid and every
wrong document is rejected."""
import copy
import json
import os
import sys

import jsonschema

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(root, "schemas", "usage.schema.json")) as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

if len(sys.argv) < 2:
    print("usage: check_usage.py FILE...", file=sys.stderr)
    sys.exit(2)

failures = 0
live, history = [], []
for path in sys.argv[1:]:
    with open(path) as f:
        doc = json.load(f)
    (history if "since_seconds" in doc else live).append(doc)
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
        failures += 1
        print(f"{path}: {'/'.join(map(str, e.path))}: {e.message}")


def wrong(base, edit):
    doc = copy.deepcopy(base)
    edit(doc)
    return doc


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
for doc in bad:
    if validator.is_valid(doc):
        failures += 1
        print(f"schema accepted a wrong document: {json.dumps(doc)[:200]}")
print(f"{len(live) + len(history)} documents, {len(bad)} wrong documents, {failures} problems")
sys.exit(1 if failures else 0)
