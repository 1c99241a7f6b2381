"""The corporate evidence report as files a company files: CSV (one row per record) and PDF.

The PDF is drawn by ReportLab with its built-in CID fonts (Adobe's Asian font packs, which PDF readers carry: no font
file is embedded and nothing is needed from the system): MSung-Light for Traditional Chinese and English,
HeiseiKakuGo-W5 for Japanese. Call both inside ``translation.override(language)``: the labels are the active
language's.
"""

import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.spreadsheets import SafeWriter

CSV_COLUMNS = ("section", "label", "date", "amount_twd", "hours", "detail", "url")

PDF_FONTS = {"ja": "HeiseiKakuGo-W5"}
PDF_DEFAULT_FONT = "MSung-Light"


def absolute(path):
    return settings.SITE_BASE_URL.rstrip("/") + path if path else ""


def report_csv(report):
    """The report's figures, then every record under them: a spreadsheet an auditor can filter and sum."""
    out = io.StringIO()
    writer = SafeWriter(out)  # titles and names typed by teams and people never run as a formula
    organisation = report.company.organisation
    writer.writerow([_("Impact report"), organisation.name, report.company.unified_business_number, report.year])
    writer.writerow([])
    writer.writerow([_("Figure"), _("Value")])
    for figure in report.figures:
        writer.writerow([figure.label, figure.value])
    writer.writerow([])
    labels = {figure.key: figure.label for figure in report.figures}
    writer.writerow(CSV_COLUMNS)
    for record in report.records():
        writer.writerow(
            [
                labels[record.section],
                record.label,
                record.date.isoformat() if record.date else "",
                "" if record.amount_twd is None else record.amount_twd,
                "" if record.hours is None else record.hours,
                record.detail,
                absolute(record.path),
            ]
        )
    return "\ufeff" + out.getvalue()  # a BOM: Excel opens UTF-8 (Chinese names) correctly


def report_pdf(report):
    """The report as PDF bytes, in the active language."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    font = PDF_FONTS.get(language, PDF_DEFAULT_FONT)
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13, wordWrap="CJK", alignment=TA_LEFT)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=10)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=22, spaceAfter=4)
    heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=17, spaceBefore=10, spaceAfter=4)

    def p(text, style=body):
        return Paragraph(escape(str(text)), style)

    organisation = report.company.organisation
    story = [
        p(_("Impact report %(year)s: %(company)s") % {"year": report.year, "company": organisation.name}, title),
        p(_("Unified business number (統一編號): %(number)s") % {"number": report.company.unified_business_number}),
        p(
            _("Computed on %(date)s from the records on Homeward; every figure is followed by its records.")
            % {"date": timezone.localdate().isoformat()},
            small,
        ),
        Spacer(1, 4 * mm),
        p(_("In figures"), heading),
    ]
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2ef")),
        ]
    )
    figures = [[p(_("Figure")), p(_("Value"))]] + [[p(f.label), p(f.value)] for f in report.figures]
    table = Table(figures, colWidths=[80 * mm, 90 * mm])
    table.setStyle(grid)
    story.append(table)
    for figure in report.figures:
        story.append(p(f"{figure.label}: {figure.value}", heading))
        if not figure.records:
            story.append(p(_("None in %(year)s.") % {"year": report.year}, small))
            continue
        rows = [[p(_("Record")), p(_("Date")), p(_("Amount (NT$)")), p(_("Details and link"))]]
        for record in figure.records:
            link = absolute(record.path)
            rows.append(
                [
                    p(record.label),
                    p(record.date.isoformat() if record.date else "", small),
                    p("" if record.amount_twd is None else f"{record.amount_twd:,}"),
                    Paragraph(
                        escape(record.detail)
                        + (f'<br/><link href="{escape(link)}">{escape(link)}</link>' if link else ""),
                        small,
                    ),
                ]
            )
        table = Table(rows, colWidths=[55 * mm, 22 * mm, 25 * mm, 68 * mm], repeatRows=1)
        table.setStyle(grid)
        story.append(table)
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=_("Impact report %(year)s: %(company)s") % {"year": report.year, "company": organisation.name},
        author="Homeward",
        lang=get_language() or settings.LANGUAGE_CODE,
    )
    document.build(story)
    return out.getvalue()
