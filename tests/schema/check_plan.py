#!/usr/bin/env python3
"""Checks plan JSON files (plan --format json, plan --out) against
schemas/plan.schema.json (JSON Schema 2020-12), and that the schema rejects
a few wrong plans made from the first file.  Usage: check_plan.py FILE...
Exit 0 when every file is valid and every wrong plan is rejected."""
import copy
import json
import os
import sys

import jsonschema

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(root, "schemas", "plan.schema.json")) as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

if len(sys.argv) < 2:
    print("usage: check_plan.py FILE...", file=sys.stderr)
    sys.exit(2)

failures = 0
docs = []
for path in sys.argv[1:]:
    with open(path) as f:
        doc = json.load(f)
    docs.append(doc)
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
        failures += 1
        print(f"{path}: {'/'.join(map(str, e.path))}: {e.message}")


def wrong(edit):
    doc = copy.deepcopy(docs[0])
    edit(doc)
    return doc


def drop(key):
    return lambda d: d.pop(key)


bad = [
    wrong(lambda d: d.update(format_version="2.0")),
    wrong(drop("summary")),
    wrong(lambda d: d.update(surprise=1)),
    wrong(lambda d: d["findings"].append({"severity": "fatal", "subject": "x", "message": "y"})),
]
if docs[0]["services"]:
    bad += [
        wrong(lambda d: d["services"][0].update(action="mutate")),
        wrong(lambda d: d["services"][0].update(version_index=-1)),
        wrong(lambda d: d["services"][0].update(drift="sideways")),
        wrong(lambda d: d["services"][0]["desired"].update(replicas="2")),
    ]
bad += [
    wrong(drop("uncommitted")),  # 1.1 records where the desired state came from
    wrong(lambda d: d.update(uncommitted="cluster.yaml")),
    wrong(lambda d: d["desired_changes"].append({"subject": "service x", "kind": "moved", "changes": []})),
    wrong(lambda d: d["desired_changes"].append({"subject": "x", "kind": "added", "changes": []})),
    wrong(lambda d: d["desired_changes"].append(
        {"subject": "policy", "kind": "changed", "changes": [{"field": "prune", "before": "false"}]})),
]
for doc in bad:
    if validator.is_valid(doc):
        failures += 1
        print("schema accepted a wrong plan")

# A 1.0 plan, written before ref .. desired_changes existed, stays valid.
old = copy.deepcopy(docs[0])
old["format_version"] = "1.0"
for key in ("ref", "uncommitted", "base", "base_commit", "desired_changes"):
    old.pop(key, None)
for e in validator.iter_errors(old):
    failures += 1
    print(f"1.0 plan: {'/'.join(map(str, e.path))}: {e.message}")
print(f"{len(docs)} plans, {len(bad)} wrong plans, {failures} problems")
sys.exit(1 if failures else 0)
