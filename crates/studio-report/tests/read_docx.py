"""Reads a .docx with python-docx and prints what tests/docx.rs checks, as JSON.

Usage: python3 read_docx.py FILE.docx
"""

import json
import sys
import zipfile

import docx
from docx.oxml.ns import qn


def main(path):
    document = docx.Document(path)
    section = document.sections[0]
    footer_xml = "".join(p._p.xml for s in document.sections for p in s.footer.paragraphs)
    with zipfile.ZipFile(path) as package:
        styles_xml = package.read("word/styles.xml").decode("utf-8")
        zip_dates = sorted({"%04d-%02d-%02d %02d:%02d:%02d" % i.date_time for i in package.infolist()})
    tables = []
    for table in document.tables:
        first = table.rows[0]._tr
        tables.append({
            "rows": len(table.rows),
            "header": [cell.text for cell in table.rows[0].cells],
            "repeating_header": first.find(qn("w:trPr")) is not None
            and first.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None,
        })
    print(json.dumps({
        "paragraphs": [{"text": p.text, "style": p.style.name} for p in document.paragraphs],
        "tables": tables,
        "pictures": len(document.inline_shapes),
        "page_mm": [round(section.page_width.mm), round(section.page_height.mm)],
        "created": document.core_properties.created.isoformat() if document.core_properties.created else None,
        "modified": document.core_properties.modified.isoformat() if document.core_properties.modified else None,
        "zip_dates": zip_dates,
        "font_in_styles": "DejaVu Sans" in styles_xml,
        "footer_page_field": "PAGE" in footer_xml,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
