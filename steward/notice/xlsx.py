"""A one-sheet spreadsheet (Office Open XML, ECMA-376) built in memory, byte for byte the same
for the same content.

Spreadsheet libraries stamp the save time into docProps/core.xml and every zip entry, and some
spool worksheets through temporary files; a published record that changes on every build cannot
be compared or signed, and a pure function must not touch the disk. So the few parts a workbook
needs are written here: inline strings, a bold frozen header row with an autofilter, columns
sized to their content, wrapped text, a second sheet naming the record, its owner, version and
date (also in the document properties, dated from the declared notice date), characters XML
cannot hold dropped, and zip entries in a fixed order with a fixed time and fixed permissions.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_ZIP_EPOCH = dt.date(1980, 1, 1)
_ENTRY_MODE = 0o100644 << 16
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_OOXML = "application/vnd.openxmlformats-officedocument"
_PARTS_TYPES = (
    ("/xl/workbook.xml", f"{_OOXML}.spreadsheetml.sheet.main+xml"),
    ("/xl/worksheets/sheet1.xml", f"{_OOXML}.spreadsheetml.worksheet+xml"),
    ("/xl/worksheets/sheet2.xml", f"{_OOXML}.spreadsheetml.worksheet+xml"),
    ("/xl/styles.xml", f"{_OOXML}.spreadsheetml.styles+xml"),
    ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
    ("/docProps/app.xml", f"{_OOXML}.extended-properties+xml"),
)
_CONTENT_TYPES = (
    _HEAD
    + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    + '<Default Extension="rels" '
    + 'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    + '<Default Extension="xml" ContentType="application/xml"/>'
    + "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in _PARTS_TYPES)
    + "</Types>"
)


def _relationships(*targets: tuple[str, str]) -> str:
    links = "".join(
        f'<Relationship Id="rId{i}" Type="{kind}" Target="{target}"/>'
        for i, (kind, target) in enumerate(targets, start=1)
    )
    return _HEAD + f'<Relationships xmlns="{_PKG_REL}">{links}</Relationships>'


_ROOT_RELS = _relationships(
    (f"{_DOC}/relationships/officeDocument", "xl/workbook.xml"),
    (f"{_PKG_REL}/metadata/core-properties", "docProps/core.xml"),
    (f"{_DOC}/relationships/extended-properties", "docProps/app.xml"),
)
_WORKBOOK_RELS = _relationships(
    (f"{_DOC}/relationships/worksheet", "worksheets/sheet1.xml"),
    (f"{_DOC}/relationships/worksheet", "worksheets/sheet2.xml"),
    (f"{_DOC}/relationships/styles", "styles.xml"),
)
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)  # fmt: skip
_APP = (
    _HEAD + f'<Properties xmlns="{_DOC}/extended-properties"><Application>Steward</Application>'
    "</Properties>"
)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
"""Characters XML 1.0 forbids (and DEL): a spreadsheet holding one will not open, so dropped."""

MIN_WIDTH = 12
MAX_WIDTH = 60


def clean(text: str) -> str:
    return _CONTROL.sub("", text)


def _cell(text: str, row: int, column: int, style: int) -> str:
    ref = f"{_column_letter(column)}{row}"
    value = _escape(clean(text)).replace("\r", "&#13;")
    return (
        f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
    )


def column_widths(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    """Each column as wide as its longest line (in characters), between 12 and 60; text wraps."""
    widths = []
    for index, heading in enumerate(header):
        lines = [heading, *(line for row in rows for line in row[index].splitlines())]
        widths.append(max(MIN_WIDTH, min(MAX_WIDTH, max(len(line) for line in lines) + 2)))
    return widths


def _sheet(header: Sequence[str], rows: Sequence[Sequence[str]], *, filtered: bool) -> str:
    lines = [_row(header, 1, style=1)]
    lines += [_row(row, number, style=0) for number, row in enumerate(rows, start=2)]
    columns = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
        for i, w in enumerate(column_widths(header, rows), start=1)
    )
    last = f"{_column_letter(len(header) - 1)}{len(rows) + 1}"
    view = (
        '<sheetViews><sheetView workbookViewId="0"><pane xSplit="1" ySplit="1" topLeftCell="B2" '
        'activePane="bottomRight" state="frozen"/></sheetView></sheetViews>'
        if filtered
        else ""
    )
    autofilter = f'<autoFilter ref="A1:{last}"/>' if filtered else ""
    return (
        _HEAD + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f'<dimension ref="A1:{last}"/>{view}'
        f"<cols>{columns}</cols><sheetData>{''.join(lines)}</sheetData>{autofilter}</worksheet>"
    )


def _row(values: Sequence[str], number: int, *, style: int) -> str:
    cells = "".join(_cell(v, number, i, style) for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def _workbook(title: str, columns: int, rows: int) -> str:
    name = _attribute(title[:31])
    quoted = name.replace("'", "''")
    last = f"${_column_letter(columns - 1)}${rows + 1}"
    return (
        _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        f'<sheet name="{name}" sheetId="1" r:id="rId1"/>'
        '<sheet name="About this record" sheetId="2" r:id="rId2"/>'
        "</sheets><definedNames>"
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"'{quoted}'!$A$1:{last}</definedName>"
        "</definedNames></workbook>"
    )


@dataclass(frozen=True)
class RecordDetails:
    """Who owns a record, which version it is and its date: on its own sheet and in its
    document properties, so a copy handed to the ICO says what it is (UK GDPR Art 30(3)-(4))."""

    title: str
    owner: str
    version: str
    dated: dt.date
    date_text: str

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("Record", self.title),
            ("Owner", self.owner),
            ("Version", self.version),
            ("Date", self.date_text),
        ]


def _core(details: RecordDetails) -> str:
    stamp = f"{details.dated.isoformat()}T00:00:00Z"
    return (
        _HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_escape(clean(details.title))}</dc:title>"
        f"<dc:creator>{_escape(clean(details.owner))}</dc:creator>"
        f"<cp:version>{_escape(clean(details.version))}</cp:version>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def table_workbook(
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    details: RecordDetails,
) -> bytes:
    """A filtered, frozen, bold-headed table sheet, then a sheet saying what the record is."""
    body = [tuple(row) for row in rows]
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "docProps/app.xml": _APP,
        "docProps/core.xml": _core(details),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/styles.xml": _STYLES,
        "xl/workbook.xml": _workbook(title, len(header), len(body)),
        "xl/worksheets/sheet1.xml": _sheet(header, body, filtered=True),
        "xl/worksheets/sheet2.xml": _sheet(("Field", "Value"), details.rows(), filtered=False),
    }
    entry_day = max(details.dated, _ZIP_EPOCH)  # zip entry times cannot be before 1980
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(
                name, date_time=(entry_day.year, entry_day.month, entry_day.day, 0, 0, 0)
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = _ENTRY_MODE
            info.create_system = 3
            archive.writestr(info, text.encode("utf-8"))
    return out.getvalue()


def _escape(text: str) -> str:
    """XML character data (xml.sax.saxutils.escape, without its import cost at start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(text: str) -> str:
    return _escape(text).replace('"', "&quot;")
