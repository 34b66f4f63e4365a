#!/usr/bin/env python3
"""lts-time.py DIR: what MariaDB 11.8 added to a Java test run, from Surefire's XML reports in DIR.

TestDatabases#withLts runs a test on MariaDB 10.11, MySQL 8.0.31 and MariaDB 11.8, in that order, so Surefire names
the third invocation `method(DbServer)[3]` (TestDatabases#all has two); the first of them also pays for the server's
start. Prints one line; prints nothing but a note when no such test ran."""
import glob
import re
import sys
import xml.etree.ElementTree as ET

third = re.compile(r"\(DbServer\)\[3\]$")
seconds = 0.0
count = 0
for path in glob.glob(sys.argv[1] + "/TEST-*.xml"):
    for case in ET.parse(path).getroot().iter("testcase"):
        if third.search(case.get("name", "")):
            seconds += float(case.get("time", 0) or 0)
            count += 1
if count:
    print(f"test: MariaDB 11.8 added {seconds:.1f} s to the Java tests ({count} test runs on it, server start included)")
else:
    print("test: no Java test ran on MariaDB 11.8")
