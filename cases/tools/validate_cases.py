#!/usr/bin/env python3
"""Validates case files against cases/case.schema.json (JSON Schema draft 2020-12).

    validate_cases.py [--schema FILE] [PATH ...]   every *.json under each PATH (default: cases/),
                                                   schema files (*.schema.json) left out
    validate_cases.py --self-test                  checks that broken files are caught

Needs the `jsonschema` module (Debian: python3-jsonschema). Exit status 0: every file is valid;
1: some file is not (each error printed as "file: path.in.file: message"); 2: usage or setup.
"""
import argparse
import json
import pathlib
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    print("validate_cases.py: the jsonschema module is missing (apt-get install python3-jsonschema)",
          file=sys.stderr)
    sys.exit(2)

CASES_DIR = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_SCHEMA = CASES_DIR / "case.schema.json"
PLACEHOLDER = "^\\{[^{}]+\\}$"  # $defs/placeholder's pattern


def load_validator(schema_path):
    schema = json.loads(pathlib.Path(schema_path).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def case_files(paths):
    files = []
    for p in map(pathlib.Path, paths):
        if p.is_dir():
            files += [f for f in p.rglob("*.json") if not f.name.endswith(".schema.json")]
        else:
            files.append(p)
    return sorted(files)


def location(error):
    path = ""
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top)"


def leaf_errors(error):
    """The errors at the bottom of anyOf / if-then-else branches: the ones that say what is wrong."""
    if not error.context:
        return [error]
    deepest = max(len(e.absolute_path) for e in error.context)
    out = []
    for e in error.context:
        if len(e.absolute_path) == deepest:
            out += leaf_errors(e)
    # "does not match the placeholder pattern" only adds noise next to what the value should be.
    real = [e for e in out if not (e.validator == "pattern" and e.validator_value == PLACEHOLDER)]
    return real or out


def problems(validator, document):
    """Every schema violation of one document, as "path: message" lines."""
    lines = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path))):
        for leaf in leaf_errors(error):
            lines.append(f"{location(leaf)}: {leaf.message}")
    return list(dict.fromkeys(lines))


def validate_files(validator, files, out=sys.stdout):
    bad = 0
    for f in files:
        try:
            document = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            print(f"{f}: cannot read: {e}", file=out)
            bad += 1
            continue
        found = problems(validator, document)
        for line in found:
            print(f"{f}: {line}", file=out)
        bad += bool(found)
    print(f"{len(files) - bad} of {len(files)} case files valid", file=out)
    return bad == 0


# A valid file to start from, and changes that must each make it invalid.
VALID = {
    "group": "t",
    "title": "Self-test",
    "cases": [{
        "id": "t.1",
        "title": "Echo",
        "rfc": "5.6",
        "quote": "q",
        "steps": [{"send": {"opcode": "text", "payload": "Hello"}}],
        "expect": {"OK": [[{"message": {"text": "Hello"}}]]},
        "close": {"by": "harness", "codes": [1000], "clean": True},
    }],
}
BROKEN = {
    "unknown file field": lambda d: d.update(grup="x"),
    "unknown case field": lambda d: d["cases"][0].update(tilte="x"),
    "unknown frame field": lambda d: d["cases"][0]["steps"][0]["send"].update(opcod="text"),
    "unknown opcode": lambda d: d["cases"][0]["steps"][0]["send"].update(opcode="pingg"),
    "opcode out of range": lambda d: d["cases"][0]["steps"][0]["send"].update(opcode=16),
    "fin not a boolean": lambda d: d["cases"][0]["steps"][0]["send"].update(fin="true"),
    "unknown step": lambda d: d["cases"][0]["steps"].append({"sleep": 1}),
    "unknown event": lambda d: d["cases"][0]["expect"]["OK"][0].append({"mesage": {"text": ""}}),
    "unknown verdict level": lambda d: d["cases"][0]["expect"].update(FAILED=[[]]),
    "size-only payload sent": lambda d: d["cases"][0]["steps"][0]["send"].update(payload={"size": 3}),
    "bad hex": lambda d: d["cases"][0]["steps"][0]["send"].update(payload={"hex": "abc"}),
    "close by nobody": lambda d: d["cases"][0]["close"].update(by="server"),
    "missing quote": lambda d: d["cases"][0].pop("quote"),
    "missing group": lambda d: d.pop("group"),
    "family field in a template": lambda d: d.update(templates={"t": {"use": "u"}}),
}


def self_test(validator):
    import copy
    failures = []
    if problems(validator, VALID):
        failures.append("the valid file is rejected: " + "; ".join(problems(validator, VALID)))
    for name, change in BROKEN.items():
        document = copy.deepcopy(VALID)
        change(document)
        if not problems(validator, document):
            failures.append(f"not caught: {name}")
    # The file path end to end: a broken file in a directory fails the run, a valid one passes.
    with tempfile.TemporaryDirectory() as tmp:
        good = pathlib.Path(tmp, "good.json")
        good.write_text(json.dumps(VALID))
        if not validate_files(validator, [good], out=open("/dev/null", "w")):
            failures.append("a valid file on disk is rejected")
        broken = copy.deepcopy(VALID)
        broken["cases"][0]["steps"][0]["snd"] = broken["cases"][0]["steps"][0].pop("send")
        pathlib.Path(tmp, "broken.json").write_text(json.dumps(broken))
        pathlib.Path(tmp, "not-json.json").write_text("{")
        for name in ("broken.json", "not-json.json"):
            if validate_files(validator, [pathlib.Path(tmp, name)], out=open("/dev/null", "w")):
                failures.append(f"{name} on disk is accepted")
        if validate_files(validator, case_files([tmp]), out=open("/dev/null", "w")):
            failures.append("a directory with broken files is accepted")
    for f in failures:
        print("self-test: " + f)
    print(f"self-test: {len(BROKEN) + 5 - len(failures)} of {len(BROKEN) + 5} checks passed")
    return not failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", default=str(DEFAULT_SCHEMA))
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("paths", nargs="*", default=[str(CASES_DIR)])
    args = parser.parse_args()
    try:
        validator = load_validator(args.schema)
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        print(f"{args.schema}: not a usable schema: {e}", file=sys.stderr)
        return 2
    if args.self_test:
        return 0 if self_test(validator) else 1
    files = case_files(args.paths)
    if not files:
        print("no case files found in " + ", ".join(args.paths), file=sys.stderr)
        return 2
    return 0 if validate_files(validator, files) else 1


if __name__ == "__main__":
    sys.exit(main())
