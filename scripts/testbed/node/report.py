#!/usr/bin/env python3
"""report.py DIR: one line from surefire's XML reports, `real-node: N passed, F failed, S skipped`.
Exit 1 when nothing passed or anything failed (a run that proved nothing is not green)."""
import glob
import sys
import xml.etree.ElementTree as ET

tests = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/TEST-*.xml"):
    suite = ET.parse(path).getroot()
    tests += int(suite.get("tests", 0))
    failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    skipped += int(suite.get("skipped", 0))
passed = tests - failed - skipped
print(f"real-node: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(0 if passed > 0 and failed == 0 else 1)
