#!/usr/bin/env python3
"""Checks plan JSON files (plan --format json, plan --out) against
schemas/plan.schema.json (JSON Schema 2020-12), and that the schema rejects
a few wrong plans made from the first file.  Usage: check_plan.py FILE...
Exit 0 when every file is valid and every wrong plan is rejected."""
import copy
import sys

sys.dont_write_bytecode = True  # no __pycache__ for schema_check in the source tree
from schema_check import accepted, check_arguments, errors, validator_for
from schema_check import wrong as edited

validator = validator_for("plan")
docs, failures = check_arguments(validator, "check_plan.py FILE...")


def wrong(edit):
    return edited(docs[0], edit)


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
failures += accepted(validator, bad, "plan")

# A 1.0 plan, written before ref .. desired_changes existed, stays valid.
old = copy.deepcopy(docs[0])
old["format_version"] = "1.0"
for key in ("ref", "uncommitted", "base", "base_commit", "desired_changes"):
    old.pop(key, None)
failures += errors(validator, "1.0 plan", old)
print(f"{len(docs)} plans, {len(bad)} wrong plans, {failures} problems")
sys.exit(1 if failures else 0)
