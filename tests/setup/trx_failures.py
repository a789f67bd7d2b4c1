#!/usr/bin/env python3
"""Prints each failed test of a .trx file with the first lines of its message (standard library only)."""
import sys
import xml.etree.ElementTree as ET

LINES = 25
NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def main(path: str) -> None:
    root = ET.parse(path).getroot()
    for result in root.iterfind(".//t:UnitTestResult", NS):
        if result.get("outcome") != "Failed":
            continue
        message = result.find("t:Output/t:ErrorInfo/t:Message", NS)
        text = (message.text or "") if message is not None else "(no message)"
        lines = text.splitlines()
        print(f"--- {result.get('testName')}")
        for line in lines[:LINES]:
            print(f"    {line}")
        if len(lines) > LINES:
            print(f"    … {len(lines) - LINES} more lines in the .trx")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        main(arg)
