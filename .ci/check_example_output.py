#!/usr/bin/env python3
"""Checks what the README's main command printed, as a newcomer would: every file it names
exists where it says, and is read by its own reader (poppler and qpdf for the PDF, python-pptx,
python-docx, an HTML parser, SQLite for the .studio file).

Usage: check_example_output.py OUTPUT_OF_SCRIPTS_RUN
"""
import html.parser
import json
import os
import re
import sqlite3
import subprocess
import sys


def fail(message):
    print(f"check_example_output: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    studio = re.findall(r"^Wrote (.+\.studio)$", text, re.M)
    reports = dict(re.findall(r"^Report \((PDF|PPTX|HTML|DOCX)\): (.+)$", text, re.M))
    if len(studio) != 1 or sorted(reports) != ["DOCX", "HTML", "PDF", "PPTX"]:
        fail(f"the output names no .studio file and four reports: {studio} {reports}")
    for path in [studio[0], *reports.values()]:
        if not os.path.isabs(path) or not os.path.isfile(path) or os.path.getsize(path) == 0:
            fail(f"{path} is not an absolute path to a file that was written")

    expected = json.load(open(os.path.join(os.path.dirname(__file__), "..", "examples", "heat-pumps", "digests.json")))
    population = re.findall(r"^\s+\d+ agents, digest ([0-9a-f]{64})$", text, re.M)
    ensembles = re.findall(r"^\s+adoption at tick .*; digest ([0-9a-f]{12})$", text, re.M)
    if population != [expected["population"]] or ensembles != expected["ensembles"]:
        fail(f"the example computed population {population} and ensembles {ensembles}, not {expected['population']} and {expected['ensembles']}")

    pdf = reports["PDF"]
    subprocess.run(["qpdf", "--check", pdf], check=True, stdout=subprocess.DEVNULL)
    words = subprocess.run(["pdftotext", pdf, "-"], check=True, capture_output=True, text=True).stdout
    for heading in ("Summary", "Results", "Calibration"):
        if heading not in words:
            fail(f"the PDF has no '{heading}'")

    import docx
    import pptx

    deck = pptx.Presentation(reports["PPTX"])
    if not 5 <= len(deck.slides) <= 20:
        fail(f"the deck has {len(deck.slides)} slides (5 to 20 expected)")
    document = docx.Document(reports["DOCX"])
    if not any("Summary" in p.text for p in document.paragraphs):
        fail("the DOCX has no Summary")

    class Page(html.parser.HTMLParser):
        tags = set()

        def handle_starttag(self, tag, attrs):
            self.tags.add(tag)

    page = Page()
    page.feed(open(reports["HTML"], encoding="utf-8").read())
    if not {"html", "svg", "table"} <= page.tags:
        fail(f"the HTML lacks a chart or a table: {sorted(page.tags)}")

    db = sqlite3.connect(f"file:{studio[0]}?mode=ro", uri=True)
    if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        fail(f"{studio[0]} is damaged")
    kind = db.execute("SELECT value FROM studio_library WHERE key = 'format'").fetchone()[0]
    projects = db.execute("SELECT project_name FROM studio_projects").fetchall()
    if kind != "futureos-studio-project" or len(projects) != 1:
        fail(f"{studio[0]} is not one project's file: {kind}, {projects}")
    print(f"check_example_output: the same digests; {len(deck.slides)} slides; the .studio file holds '{projects[0][0]}'; all read")


if __name__ == "__main__":
    main()
