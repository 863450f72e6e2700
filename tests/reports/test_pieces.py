"""The pieces of every report: tables (every row, every character, no index, scrubbed), SVG charts,
failure boxes, the output notebook of a run made without a kernel, and the progress read from a running one."""

from __future__ import annotations

import base64
import json
import re
import xml.etree.ElementTree as ET

import nbformat
import pytest

from kit.reports.charts import Bar, Segment, bar_chart
from kit.reports.failure import Failure, clean_traceback, explain
from kit.reports.html import Column, details, table
from kit.reports.notebooks import cell_progress, output_notebook
from kit.scrub import register_secret

SECRET = "k3y-5e1c0a7f2b9d4e68"


def test_a_table_shows_every_row_and_every_character_scrubbed_and_escaped():
    register_secret(SECRET)
    long_reason = "recusado: " + "preço abaixo do mínimo da categoria " * 20
    rows = [{"sku": f"SKU-{i:05d}", "reason": long_reason if i == 7 else f"<b>{i}</b> token {SECRET}"}
            for i in range(1500)]  # fmt: skip
    html = table(rows, [Column("sku", "SKU"), Column("reason", "motivo")], table_id="itens", search_label="procurar")
    assert html.count("<tr>") == 1501  # the header and every row: nothing cut at 200
    assert long_reason.strip() in html and "…" not in html
    assert SECRET not in html and "&lt;b&gt;3&lt;/b&gt;" in html and "<b>3</b>" not in html
    assert 'class="kit-search"' in html and "1.500 itens" in html
    assert "<th>" in html and "index" not in html.lower()


def test_details_are_closed_and_scrubbed():
    register_secret(SECRET)
    out = details(f"Traceback (most recent call last):\n  boom {SECRET}")
    assert out.startswith('<details class="kit-detalhes">') and " open" not in out.split(">")[0]
    assert SECRET not in out and "Traceback" in out


def _svg(img: str) -> ET.Element:
    data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', img).group(1)
    return ET.fromstring(base64.b64decode(data))


def test_a_bar_chart_is_valid_svg_with_pt_br_values_and_a_legend():
    bars = [Bar("Cobertura de SKUs", [Segment(1200, "#c0392b", "Bloqueio"), Segment(3, "#e67e22", "Aviso")]),
            Bar("queda", [Segment(-12.5, "#2e86c1")]), Bar("vazio", [])]  # fmt: skip
    img = bar_chart(bars, title="Achados por verificação", decimals=1, suffix=" %")
    assert img.startswith('<img class="kit-chart" alt="Achados por verificação"')
    svg = _svg(img)
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "1.203,0 %" in texts and "-12,5 %" in texts and "Bloqueio" in texts and "Aviso" in texts
    rects = list(svg.iter("{http://www.w3.org/2000/svg}rect"))
    assert all(float(r.get("width")) >= 0 for r in rects) and len(rects) >= 3


def test_clean_traceback_drops_terminal_colours():
    assert clean_traceback(["\x1b[0;31mValueError\x1b[0m: boom"]) == "ValueError: boom"


@pytest.mark.parametrize(
    "address, expected_hint",
    [
        (
            "http://127.0.0.1:8123",
            "O sandbox local não está rodando? Inicie-o com `kit sandbox start vtex --channel loja`",
        ),
        ("https://api.loja.example.com", "O canal pode estar fora do ar ou a URL da API estar errada"),
    ],
)
def test_a_channel_that_did_not_answer_names_the_address_and_tells_a_sandbox_from_a_remote_channel(
    address, expected_hint
):
    error = {"error": "ChannelTransientError", "message": "the connection failed", "channel": "loja"}
    failure = explain(error, headline="FALHOU", address=address, channel="loja", type_name="vtex")
    assert failure.message == f"O canal não respondeu em {address}."
    assert failure.hint.startswith(expected_hint)
    assert (
        "the connection failed" in failure.detail and "the connection failed" not in failure.html().split("<details")[0]
    )


def test_output_notebook_of_a_run_without_kernel(tmp_path):
    source = tmp_path / "job.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Job"),
                nbformat.v4.new_code_cell("channel = ''", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("run()")]  # fmt: skip
    nbformat.write(nb, source)
    failure = Failure("A SINCRONIZAÇÃO FALHOU", "O canal não respondeu em http://127.0.0.1:9.", "Inicie o sandbox.")
    out = output_notebook(source, tmp_path / "out.ipynb", parameters={"channel": "loja", "full": True},
                          html="<p>relatório</p>", how={"runner": "in-process"}, failure=failure)  # fmt: skip
    data = json.loads(out.read_text(encoding="utf-8"))
    nbformat.validate(nbformat.reads(out.read_text(encoding="utf-8"), as_version=4))
    tags = [c["metadata"].get("tags", []) for c in data["cells"]]
    assert tags[0] == ["kit-failure"] and ["injected-parameters"] in tags
    injected = data["cells"][tags.index(["injected-parameters"])]
    assert "channel = 'loja'" in injected["source"] and "full = True" in injected["source"]
    assert data["cells"][-1]["outputs"][0]["data"]["text/html"] == "<p>relatório</p>"
    assert data["metadata"]["canais_kit"] == {"runner": "in-process"}


def test_cell_progress_follows_papermill_cell_states(tmp_path):
    path = tmp_path / "nb.ipynb"
    assert cell_progress(path) is None
    cells = [
        {"cell_type": "code", "source": "", "metadata": {"tags": ["parameters"], "papermill": {"status": "completed"}}},
        {"cell_type": "code", "source": "run()", "metadata": {"papermill": {"status": "completed"}}},
        {"cell_type": "markdown", "source": "## Capacidade dos jobs", "metadata": {}},
        {"cell_type": "code", "source": "", "metadata": {"papermill": {"status": "running"}}},
        {"cell_type": "code", "source": "", "metadata": {"papermill": {"status": "pending"}}},
    ]
    path.write_text(json.dumps({"cells": cells}))
    assert cell_progress(path).text() == "Etapa 3 de 4: Capacidade dos jobs"
    cells[3]["metadata"]["papermill"]["status"] = "pending"
    path.write_text(json.dumps({"cells": cells}))
    assert cell_progress(path, main="verificando").text() == "Etapa 2 de 4: verificando"
