#!/usr/bin/env python3
"""Checks every desired-state file under examples/ against
schemas/desired-state.schema.json (JSON Schema 2020-12), and that the schema
rejects a few wrong files, so an editor using it flags what validate flags;
and the output examples in schemas/examples/ (usage*.json, advise*.json)
against the schema of their kind (usage.schema.json, advise.schema.json)."""
import glob
import os
import sys

import yaml

sys.dont_write_bytecode = True  # no __pycache__ for schema_check in the source tree
from schema_check import ROOT as root
from schema_check import check_example, load, validator_for

validator = validator_for("desired-state")

failures = 0
files = sorted(glob.glob(os.path.join(root, "examples", "**", "*.yaml"), recursive=True))
files = [f for f in files if "/ci/" not in f]
if not files:
    print("no example files found", file=sys.stderr)
    sys.exit(1)
for path in files:
    with open(path) as f:
        failures += check_example(validator, path, yaml.safe_load(f))

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
    {"integrations": {"dokploy": {"url": "http://dokploy.example.com", "api_key_env": "K"}}},
    {"integrations": {"dokploy": {"url": "https://u:p@dokploy.example.com", "api_key_env": "K"}}},
    {"integrations": {"dokploy": {"url": "https://dokploy.example.com", "api_key_env": "not a name"}}},
    {"integrations": {"dokploy": {"url": "https://dokploy.example.com"}}},
    {"integrations": {"dokploy": {"url": "https://d.example", "api_key_env": "K", "api_key": "x"}}},
    {"integrations": {"portainer": {}}},
]
good = [
    {"services": {"web": {"limits": {"cpus": 1}}}},
    {"services": {"web": {"mode": "global", "image": "nginx", "limits": {"cpus": 1}}}},
    {"services": {"web": {"mode": "replicated", "replicas": 2, "host": "a"}}},
    {"services": {"web": {"mode": "global-job", "limits": {"memory": "64M"}}}},
    {"integrations": {"dokploy": {"url": "https://dokploy.example.com", "api_key_env": "DOKPLOY_API_KEY",
                                  "ca_file": "dokploy-ca.pem"}}},
    {"integrations": {"dokploy": {"url": "http://127.0.0.1:3000", "api_key_env": "DOKPLOY_API_KEY"}}},
]
for doc in good:
    if not validator.is_valid(doc):
        failures += 1
        print(f"schema refused a right file: {doc}")
for doc in bad:
    if validator.is_valid(doc):
        failures += 1
        print(f"schema accepted a wrong file: {doc}")
outputs = []
for kind in ("usage", "advise"):  # schemas/examples/<kind>*.json against <kind>.schema.json
    output_validator = validator_for(kind)
    paths = sorted(glob.glob(os.path.join(root, "schemas", "examples", kind + "*.json")))
    if not paths:
        print(f"no {kind} output examples found", file=sys.stderr)
        sys.exit(1)
    for path in paths:
        failures += check_example(output_validator, path, load(path))
    outputs += paths
print(f"{len(files)} example files, {len(outputs)} output examples, {failures} problems")
sys.exit(1 if failures else 0)
