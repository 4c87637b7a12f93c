#!/usr/bin/env python3
"""Checks every desired-state file under examples/ against
schemas/desired-state.schema.json (JSON Schema 2020-12), and that the schema
rejects a few wrong files, so an editor using it flags what validate flags;
and the output examples in schemas/examples/ (usage*.json) against the schema
of their kind (usage.schema.json)."""
import glob
import json
import os
import sys

import jsonschema
import yaml

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(root, "schemas", "desired-state.schema.json")) as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

failures = 0
files = sorted(glob.glob(os.path.join(root, "examples", "**", "*.yaml"), recursive=True))
files = [f for f in files if "/ci/" not in f]
if not files:
    print("no example files found", file=sys.stderr)
    sys.exit(1)
for path in files:
    with open(path) as f:
        doc = yaml.safe_load(f)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors:
        failures += 1
        print(f"{os.path.relpath(path, root)}: {'/'.join(map(str, e.path))}: {e.message}")
    if not errors:
        print(f"ok  {os.path.relpath(path, root)}")

bad = [
    {"version": 2},
    {"services": {"web": {"host": "a", "limts": {"cpus": 1}}}},
    {"services": {"web": {"host": "a", "limits": {"cpus": "1e300"}}}},
    {"services": {"web": {"host": "a", "limits": {"memory": "512X"}}}},
    {"services": {"web": {"host": "a", "replicas": -1}}},
    {"hosts": {"a": {"ssh": "root@x"}}},
    {"services": {"web": {"mode": "daemon"}}},
    {"services": {"web": {"mode": "global", "replicas": 2}}},
    {"services": {"web": {"mode": "replicated-job", "image": "busybox"}}},
    {"services": {"web": {"host": ""}}},
]
good = [
    {"services": {"web": {"limits": {"cpus": 1}}}},
    {"services": {"web": {"mode": "global", "image": "nginx", "limits": {"cpus": 1}}}},
    {"services": {"web": {"mode": "replicated", "replicas": 2, "host": "a"}}},
    {"services": {"web": {"mode": "global-job", "limits": {"memory": "64M"}}}},
]
for doc in good:
    if not validator.is_valid(doc):
        failures += 1
        print(f"schema refused a right file: {doc}")
for doc in bad:
    if validator.is_valid(doc):
        failures += 1
        print(f"schema accepted a wrong file: {doc}")
with open(os.path.join(root, "schemas", "usage.schema.json")) as f:
    usage_schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(usage_schema)
usage_validator = jsonschema.Draft202012Validator(usage_schema)
outputs = sorted(glob.glob(os.path.join(root, "schemas", "examples", "usage*.json")))
if not outputs:
    print("no usage output examples found", file=sys.stderr)
    sys.exit(1)
for path in outputs:
    with open(path) as f:
        doc = json.load(f)
    errors = sorted(usage_validator.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors:
        failures += 1
        print(f"{os.path.relpath(path, root)}: {'/'.join(map(str, e.path))}: {e.message}")
    if not errors:
        print(f"ok  {os.path.relpath(path, root)}")
print(f"{len(files)} example files, {len(outputs)} output examples, {failures} problems")
sys.exit(1 if failures else 0)
