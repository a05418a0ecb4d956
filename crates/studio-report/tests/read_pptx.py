"""Reads a PPTX with python-pptx and prints what the Rust tests compare with the report, as JSON:
every slide's title, texts, tables, charts (categories, series values, embedded workbook cells),
speaker notes, and the frame of every shape drawn on it (its own and the master's) with the
text it holds. Used by tests/pptx.rs: python3 read_pptx.py deck.pptx
"""

import io
import json
import sys
import zipfile

from lxml import etree
from pptx import Presentation
from pptx.util import Emu

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def workbook_cells(chart):
    """The cells of the chart's embedded workbook's first sheet: {"B2": "0.1", ...}."""
    xlsx = chart.part.chart_workbook.xlsx_part
    if xlsx is None:
        return None
    with zipfile.ZipFile(io.BytesIO(xlsx.blob)) as z:
        names = set(z.namelist())
        for required in ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                         "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"]:
            assert required in names, f"workbook lacks {required}: {sorted(names)}"
        sheet = etree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    cells = {}
    for c in sheet.iter(MAIN + "c"):
        inline = c.find(f"{MAIN}is/{MAIN}t")
        value = c.find(MAIN + "v")
        cells[c.get("r")] = (inline.text or "") if inline is not None else value.text
    return cells


def chart_data(chart):
    plots = []
    for plot in chart.plots:
        plots.append({
            "kind": type(plot).__name__,
            "categories": [str(c) for c in plot.categories],
            "series": [{"name": s.name, "index": s.index, "values": list(s.values)} for s in plot.series],
        })
    value_axis = chart.value_axis
    return {
        "title": chart.chart_title.text_frame.text if chart.has_title else None,
        "plots": plots,
        "value_format": value_axis.tick_labels.number_format,
        "value_title": value_axis.axis_title.text_frame.text if value_axis.has_title else None,
        "workbook": workbook_cells(chart),
    }


def chart_text(chart):
    """Every string a chart draws: title, axis titles, categories, series names."""
    parts = []
    if chart.has_title:
        parts.append(chart.chart_title.text_frame.text)
    for axis in (chart.category_axis, chart.value_axis):
        try:
            if axis.has_title:
                parts.append(axis.axis_title.text_frame.text)
        except ValueError:
            pass
    for plot in chart.plots:
        parts.extend(str(c) for c in plot.categories)
        parts.extend(s.name for s in plot.series)
    return "\n".join(parts)


def frames(slide):
    """Each shape drawn on the slide, with its place in points and its text: the slide's shapes
    and, when its layout shows them, the master's (footer, slide number, logo)."""
    shapes = list(slide.shapes)
    if slide.slide_layout.element.get("showMasterSp") != "0":
        shapes += [s for s in slide.slide_layout.slide_master.shapes if not s.is_placeholder]
    out = []
    for shape in shapes:
        if shape.has_chart:
            kind, text = "chart", chart_text(shape.chart)
        elif shape.has_table:
            kind, text = "table", "\n".join(c.text for row in shape.table.rows for c in row.cells)
        elif shape.shape_type == 13:  # PICTURE
            kind, text = "picture", ""
        elif shape.has_text_frame:
            kind, text = "text", shape.text_frame.text
        else:
            continue
        out.append({
            "name": shape.name,
            "kind": kind,
            "text": text,
            "x": Emu(shape.left).pt,
            "y": Emu(shape.top).pt,
            "w": Emu(shape.width).pt,
            "h": Emu(shape.height).pt,
        })
    return out


def main(path):
    deck = Presentation(path)
    slides = []
    for slide in deck.slides:
        texts, tables, charts = [], [], []
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                tables.append([[cell.text for cell in row.cells] for row in shape.table.rows])
            if shape.has_chart:
                charts.append(chart_data(shape.chart))
            if shape.shape_type is not None and shape.shape_type == 13:  # PICTURE
                texts.append("[picture %s]" % shape.image.content_type)
        title = slide.shapes.title.text_frame.text if slide.shapes.title is not None else None
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else None
        slides.append({
            "layout": slide.slide_layout.name,
            "title": title,
            "texts": texts,
            "tables": tables,
            "charts": charts,
            "notes": notes,
            "frames": frames(slide),
        })
    json.dump({
        "width_in": Emu(deck.slide_width).inches,
        "height_in": Emu(deck.slide_height).inches,
        "title": deck.core_properties.title,
        "slides": slides,
    }, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
