#!/usr/bin/env python3
"""Checks a JUnit XML file as CI systems read it, and prints its counts.

    validate_junit.py FILE

The checks: it parses as XML; the root is <testsuites> holding <testsuite> elements that hold
<testcase> elements, each with a name and a classname; a test case holds at most one of
<failure>, <error>, <skipped>, each failure and error with a message; the tests, failures, errors
and skipped attributes of every suite and of the root equal what they contain. On success prints
"tests=N failures=N errors=N skipped=N" and exits 0; else prints each problem and exits 1.
"""
import sys
import xml.etree.ElementTree as ET


def main(path):
    problems = []
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        print(f"{path}: {e}", file=sys.stderr)
        return 1
    if root.tag != "testsuites":
        problems.append(f"root element is <{root.tag}>, not <testsuites>")
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in root:
        if suite.tag != "testsuite":
            problems.append(f"<{suite.tag}> inside <testsuites>")
            continue
        n = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for case in suite.iter("testcase"):
            n["tests"] += 1
            if not case.get("name") or not case.get("classname"):
                problems.append(f"a testcase without name or classname in {suite.get('name')}")
            outcomes = [c for c in case if c.tag in ("failure", "error", "skipped")]
            if len(outcomes) > 1:
                problems.append(f"{case.get('name')}: more than one outcome")
            for o in outcomes:
                key = {"failure": "failures", "error": "errors", "skipped": "skipped"}[o.tag]
                n[key] += 1
                if o.tag != "skipped" and not o.get("message"):
                    problems.append(f"{case.get('name')}: <{o.tag}> without a message")
        for k, v in n.items():
            if int(suite.get(k, "-1")) != v:
                problems.append(f"suite {suite.get('name')}: {k}={suite.get(k)} but holds {v}")
            total[k] += v
    for k, v in total.items():
        if int(root.get(k, "-1")) != v:
            problems.append(f"testsuites: {k}={root.get(k)} but holds {v}")
    for p in problems:
        print(f"{path}: {p}", file=sys.stderr)
    if problems:
        return 1
    print(" ".join(f"{k}={v}" for k, v in total.items()))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
