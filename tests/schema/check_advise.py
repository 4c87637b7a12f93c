#!/usr/bin/env python3
"""Checks advise JSON files (advise --format json) against
schemas/advise.schema.json (JSON Schema 2020-12), and that the schema
rejects a few wrong documents made from the first file that has a service,
a move and a host.  Usage: check_advise.py FILE...  Exit 0 when every file
is valid and every wrong document is rejected."""
import sys

sys.dont_write_bytecode = True  # no __pycache__ for schema_check in the source tree
from schema_check import accepted, check_arguments, validator_for, wrong

validator = validator_for("advise")
docs, failures = check_arguments(validator, "check_advise.py FILE...")

bad = []
d = next((d for d in docs if d["services"] and d["moves"] and d["hosts"]), None)
if d is None:
    print("no document with a service, a move and a host to make wrong ones from")
    failures += 1
else:
    bad += [
        wrong(d, lambda d: d.update(format_version="2.0")),
        wrong(d, lambda d: d.pop("fits")),
        wrong(d, lambda d: d.update(surprise=1)),
        wrong(d, lambda d: d.update(target_utilization=0)),
        wrong(d, lambda d: d["basis"].update(kind="guess")),
        wrong(d, lambda d: d["basis"].update(first_at="last week")),
        wrong(d, lambda d: d["basis"].update(kind="live_window")),  # a live window has no first_at
        wrong(d, lambda d: d["services"][0]["limits_after"].update(cpus="0.35")),
        wrong(d, lambda d: d["services"][0]["limits_after"].update(memory_bytes=1.5)),
        wrong(d, lambda d: d["services"][0]["limits_before"].update(cpus=0)),
        wrong(d, lambda d: d["services"][0].pop("cannot_raise")),
        wrong(d, lambda d: d["services"][0].update(reasons="because")),
        wrong(d, lambda d: d["services"][0]["figures"].update(throttled_share=1.5)),
        wrong(d, lambda d: d["services"][0]["figures"].update(memory_peak_bytes=-1)),
        wrong(d, lambda d: d["moves"][0].pop("reason")),
        wrong(d, lambda d: d["hosts"][0]["before"].update(fits="yes")),
        wrong(d, lambda d: d["hosts"][0]["capacity"].pop("cpus")),
        wrong(d, lambda d: d["hosts"][0].update(cpu_budget=0)),
    ]
failures += accepted(validator, bad)
print(f"{len(docs)} documents, {len(bad)} wrong documents, {failures} problems")
sys.exit(1 if failures else 0)
