"""``kit inspect FILE``: show what the spreadsheet reader understood of a file.

Exit 0 when the file reads cleanly (warnings allowed), 2 with one ``error: ...``
line naming file/sheet/row/column (and a ``hint:``) when it does not.
"""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("inspect", help="mostra como uma exportação CSV/XLSX é lida (colunas, tipos, linhas, problemas)")
    p.add_argument("file", metavar="ARQUIVO", help="o arquivo .csv ou .xlsx")
    p.add_argument("--kind", metavar="TIPO", help="o tipo de arquivo (products, stock, prices...); sem ele, deduzido "
                   "dos cabeçalhos")  # fmt: skip
    p.add_argument("--sheet", metavar="ABA", help="aba do XLSX: o nome, ou a posição contando de 1")
    p.add_argument("--json", action="store_true", help="o relatório completo em JSON")
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
            f" (e mais {more} problema{'s' if more > 1 else ''}, listado{'s' if more > 1 else ''} acima)"
            if more
            else ""
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


_FORMATS = {
    "xlsx": "XLSX",
    "xls": "XLS (Excel 97-2003)",
    "ods": "ODS (LibreOffice)",
    "html": "página HTML salva como .xls",
}
_TYPES = {"code": "código", "text": "texto", "decimal": "decimal", "int": "inteiro", "bool": "sim/não", "date": "data"}


def _print_report(report: dict, print_table) -> None:
    from kit.fmt import count_pt

    print(f"arquivo:    {report['file']}")
    print(f"tipo:       {report['kind']}" + ("  (deduzido dos cabeçalhos)" if report.get("kind_guessed") else ""))
    if report.get("understood"):  # a value list read whatever its headers say (pt-BR)
        print(f"entendido:  {report['understood']}")
    if report["format"] == "csv":
        print(f"formato:    CSV, codificação {report['encoding']}, separador {report['separator']}")
    else:
        label = _FORMATS.get(report["format"], report["format"].upper())
        print(f"formato:    {label}, aba {report['sheet']!r} de {', '.join(repr(s) for s in report['sheets'])}")
    decimal = {"comma": "vírgula", "point": "ponto"}.get(report.get("decimal"), "não se aplica")
    print(f"decimal:    {decimal}")
    print(f"cabeçalho:  linha {report['header_row']}")
    print(f"linhas:     {count_pt(report.get('rows', 0))} (em branco puladas: {report.get('blank_rows', 0)}, "
          f"rodapé descartado: {report.get('trailer_rows', 0)})")  # fmt: skip
    print()
    dtypes = report.get("dtypes", {})
    rows = []
    for c in report.get("columns", []):
        factor = c.get("factor") or 1.0
        rows.append(
            {
                "header": c["header"],
                "column": c["column"] or "(ignorada)",
                "type": _TYPES.get(c.get("type", ""), c.get("type", "")),
                "dtype": dtypes.get(c["column"], "") if c["column"] else "",
                "unit": f"x{factor:g}" if factor != 1.0 else "",
            }
        )
    labels = {"header": "cabeçalho", "column": "coluna", "type": "tipo", "dtype": "dtype", "unit": "unidade"}
    print_table(rows, ["header", "column", "type", "dtype", "unit"], labels)
    problems = report.get("problems", [])
    if problems:
        from kit.errors import FIELD_LABELS

        severity = {"error": "erro", "warning": "aviso", "info": "info"}
        print(f"\nproblemas ({len(problems)}):")
        for p in problems:
            where = ", ".join(f"{FIELD_LABELS[k]} {p[k]}" for k in ("sheet", "row", "column") if p.get(k))
            print(f"  {severity.get(p['severity'], p['severity'])}: {p['message']}" + (f" ({where})" if where else ""))
