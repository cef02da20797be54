#!/usr/bin/env python3
"""Validates report.json files against reports/report.schema.json (JSON Schema draft 2020-12).

    validate_report.py REPORT [REPORT ...]

Needs the `jsonschema` module (Debian: python3-jsonschema). Exit status 0: every report is
valid; 1: some report is not (each error printed as "file: path.in.report: message"); 2: usage
or setup (a missing file, a file that is not JSON).
"""
import json
import pathlib
import sys

try:
    import jsonschema
except ImportError:
    print("validate_report.py: the jsonschema module is missing "
          "(apt-get install python3-jsonschema)", file=sys.stderr)
    sys.exit(2)

SCHEMA = pathlib.Path(__file__).resolve().parent.parent / "report.schema.json"


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    bad = 0
    for p in map(pathlib.Path, paths):
        try:
            doc = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            print(f"{p}: {e}", file=sys.stderr)
            return 2
        for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
            where = ".".join(str(x) for x in err.path) or "(top)"
            print(f"{p}: {where}: {err.message}", file=sys.stderr)
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
