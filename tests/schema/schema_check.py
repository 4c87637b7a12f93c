"""What every output-schema check shares (check_usage.py, check_advise.py,
check_examples.py): a schema under schemas/ loaded and itself checked
against JSON Schema 2020-12, documents validated with every error printed,
and wrong documents, made by editing a copy of a right one, that the schema
must reject."""
import copy
import json
import os
import sys

import jsonschema

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def validator_for(kind):
    """The validator of schemas/<kind>.schema.json, after checking the schema."""
    with open(os.path.join(ROOT, "schemas", kind + ".schema.json")) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def load(path):
    with open(path) as f:
        return json.load(f)


def errors(validator, path, doc):
    """Prints each way `doc` breaks the schema, "path: where: what"; returns how many."""
    found = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for e in found:
        print(f"{path}: {'/'.join(map(str, e.path))}: {e.message}")
    return len(found)


def wrong(base, edit):
    """A copy of `base` with `edit` applied: a document the schema must reject."""
    doc = copy.deepcopy(base)
    edit(doc)
    return doc


def accepted(validator, bad, what="document"):
    """Prints each wrong document the schema accepts; returns how many."""
    n = 0
    for doc in bad:
        if validator.is_valid(doc):
            n += 1
            print(f"schema accepted a wrong {what}: {json.dumps(doc)[:200]}")
    return n


def check_example(validator, path, doc):
    """errors() under the path relative to the project, or "ok  path"; returns how many."""
    name = os.path.relpath(path, ROOT)
    found = errors(validator, name, doc)
    if not found:
        print(f"ok  {name}")
    return found


def check_arguments(validator, usage):
    """The documents named on the command line, each checked by errors():
    (documents in order, how many errors).  Exits 2 with `usage` when none
    is named."""
    if len(sys.argv) < 2:
        print(f"usage: {usage}", file=sys.stderr)
        sys.exit(2)
    docs, failures = [], 0
    for path in sys.argv[1:]:
        doc = load(path)
        docs.append(doc)
        failures += errors(validator, path, doc)
    return docs, failures
