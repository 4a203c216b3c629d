"""CSV files to take away (the participant list, the yearly report): cells a spreadsheet would run as a
formula are made text, and a BOM lets Excel read UTF-8."""
import csv
import io


def neutralise(value) -> str:
    """A spreadsheet would run a cell starting with = + - @ (or tab/CR) as a formula: make it text."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def csv_text(rows) -> str:
    """Rows of cells as CSV text with a BOM, every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return "\ufeff" + out.getvalue()
