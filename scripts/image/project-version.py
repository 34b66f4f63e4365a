#!/usr/bin/env python3
"""Prints the Maven project version from pom.xml: the image tag and the Helm chart's appVersion."""
import os
import xml.etree.ElementTree as ET

pom = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "pom.xml")
print(ET.parse(pom).getroot().find("{http://maven.apache.org/POM/4.0.0}version").text)
