"""``kit inspect FILE``: show what the spreadsheet reader understood of a file.

Exit 0 when the file reads cleanly (warnings allowed), 2 with one ``error: ...``
line naming file/sheet/row/column (and a ``hint:``) when it does not.
"""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("inspect", help="show how a CSV/XLSX export is read (columns, types, rows, problems)")
    p.add_argument("file", help="the .csv or .xlsx file")
    p.add_argument("--kind", help="the kind of file (products, stock, prices...); guessed from the headers if omitted")
    p.add_argument("--sheet", help="XLSX sheet: its name, or its position counting from 1")
    p.add_argument("--json", action="store_true", help="print the full report as JSON")
    p.set_defaults(func=cmd_inspect)


def cmd_inspect(args) -> int:
    from kit.commands._util import print_json, print_table
    from kit.errors import InputDataError
    from kit.sheets import inspect_table  # imports pandas lazily, here only

    sheet = args.sheet
    if sheet is not None and sheet.isdigit():
        sheet = _numbered_sheet(args.file, sheet)
    report = inspect_table(args.file, kind=args.kind, sheet=sheet)
    if args.json:
        print_json(report)
    else:
        _print_report(report, print_table)
    errors = [p for p in report["problems"] if p["severity"] == "error"]
    if errors:
        first = errors[0]
        more = len(errors) - 1
        message = first["message"] + (
            f" (and {more} more problem{'s' if more > 1 else ''}, listed above)" if more else ""
        )
        raise InputDataError(
            message,
            hint=first.get("hint"),
            file=first["file"],
            sheet=first.get("sheet"),
            row=first.get("row"),
            column=first.get("column"),
        )
    return 0


def _numbered_sheet(path: str, number: str) -> str | int:
    """``--sheet 2``: the sheet named "2" if there is one, else the 2nd sheet."""
    try:
        import openpyxl

        names = openpyxl.load_workbook(path, read_only=True).sheetnames
    except Exception:  # not a workbook: let the reader report it properly
        return number
    return number if number in names else int(number) - 1


def _print_report(report: dict, print_table) -> None:
    print(f"file:       {report['file']}")
    print(f"kind:       {report['kind']}" + ("  (guessed from the headers)" if report.get("kind_guessed") else ""))
    if report.get("understood"):  # a value list read whatever its headers say (pt-BR)
        print(f"entendido:  {report['understood']}")
    if report["format"] == "csv":
        print(f"format:     CSV, encoding {report['encoding']}, separator {report['separator']}")
    else:
        print(f"format:     XLSX, sheet {report['sheet']!r} of {', '.join(repr(s) for s in report['sheets'])}")
    print(f"decimal:    {report.get('decimal', 'n/a')}")
    print(f"header row: {report['header_row']}")
    print(f"rows:       {report.get('rows', 0)} (blank skipped: {report.get('blank_rows', 0)}, "
          f"trailer dropped: {report.get('trailer_rows', 0)})")  # fmt: skip
    print()
    dtypes = report.get("dtypes", {})
    rows = []
    for c in report.get("columns", []):
        factor = c.get("factor") or 1.0
        rows.append(
            {
                "header": c["header"],
                "column": c["column"] or "(ignored)",
                "type": c.get("type", ""),
                "dtype": dtypes.get(c["column"], "") if c["column"] else "",
                "unit": f"x{factor:g}" if factor != 1.0 else "",
            }
        )
    print_table(rows, ["header", "column", "type", "dtype", "unit"])
    problems = report.get("problems", [])
    if problems:
        print(f"\nproblems ({len(problems)}):")
        for p in problems:
            where = ", ".join(f"{k} {p[k]}" for k in ("sheet", "row", "column") if p.get(k))
            print(f"  {p['severity']}: {p['message']}" + (f" ({where})" if where else ""))
