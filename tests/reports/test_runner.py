"""The one notebook runner (kit.reports.runner) on a tiny notebook: parameters refused, output sealed, kernel quiet."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from kit.errors import ConfigurationError
from kit.reports.failure import Failure
from kit.reports.notebooks import PAPERMILL_ERROR_TAG, check_parameters, declared_parameters
from kit.reports.runner import NotebookRun, run_notebook
from kit.scrub import register_secret

SECRET = "tok-9f3c51e2a7b84d06"
ENV_NAME = "KIT_TEST_ONLY_IN_KERNEL"


def make_notebook(path: Path, body: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Teste"),
        nbformat.v4.new_code_cell(
            'name = ""  # o nome\nlimit: int = 3\nlevel = None', metadata={"tags": ["parameters"]}
        ),
        nbformat.v4.new_markdown_cell("## Trabalho"),
        nbformat.v4.new_code_cell(body),
    ]
    nbformat.write(nb, path)
    return path


def test_declared_parameters_are_read_without_papermill(tmp_path):
    nb = make_notebook(tmp_path / "t.ipynb", "pass")
    assert declared_parameters(nb) == {"name": "", "limit": 3, "level": None}
    assert check_parameters(nb, {"name": "x", "limit": 5}) == {"name": "", "limit": 3, "level": None}


def test_an_unknown_parameter_is_refused_before_any_kernel_starts(tmp_path):
    nb = make_notebook(tmp_path / "t.ipynb", "pass")
    out = tmp_path / "out" / "t.ipynb"
    with pytest.raises(ConfigurationError) as info:
        run_notebook(NotebookRun(nb, out, {"name": "x", "limt": 5}))
    assert info.value.exit_code == 2
    assert "parâmetro desconhecido limt para t.ipynb" in info.value.message
    assert "limit" in info.value.hint and "name" in info.value.hint
    assert not out.parent.exists()  # nothing was run, nothing written


@pytest.mark.timeout(180)
def test_a_failed_cell_is_sealed_in_portuguese_scrubbed_and_the_console_stays_quiet(tmp_path, capfd):
    register_secret(SECRET)
    body = (
        "import os, sys\n"
        f"print('env:', os.environ.get('{ENV_NAME}'))\n"
        f"print('segredo {SECRET}')\n"
        f"raise ValueError('the channel said {SECRET} and gave up')"
    )
    nb = make_notebook(tmp_path / "t.ipynb", body)
    out = tmp_path / "out" / "t.ipynb"
    seen = []

    def explain(result):
        seen.append(result)
        return Failure("FALHOU", "O canal recusou.", "Confira as chaves.", result.traceback)

    result = run_notebook(
        NotebookRun(nb, out, {"name": "loja"}, env={ENV_NAME: "só no kernel"}, command="kit teste"), explain=explain
    )
    assert not result.ok and result.failing_cell["error"] == "ValueError" and seen == [result]
    assert ENV_NAME not in os.environ  # the lock marker and friends reach the kernel only
    data = json.loads(out.read_text(encoding="utf-8"))
    text = out.read_text(encoding="utf-8")
    assert SECRET not in text and "••••" in text
    first = data["cells"][0]
    assert first["metadata"]["tags"] == ["kit-failure"] and "# ✖ FALHOU" in first["source"]
    assert "O canal recusou." in first["source"] and "Traceback" not in first["source"]
    assert not [c for c in data["cells"] if PAPERMILL_ERROR_TAG in c.get("metadata", {}).get("tags", [])]
    assert "An Exception was encountered" not in text
    outputs = [o for c in data["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]  # no red traceback anywhere
    folded = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert folded and "<details" in folded[0] and "ValueError" in folded[0]
    assert any("env: só no kernel" in "".join(o.get("text", "")) for o in outputs)
    how = data["metadata"]["canais_kit"]
    assert how["runner"] == "papermill" and how["command"] == "kit teste" and how["status"] == "failed"
    assert data["metadata"]["papermill"]["parameters"] == {"name": "loja"}
    log = result.output.with_suffix(".log").read_text(encoding="utf-8")
    assert "ValueError" in log and SECRET not in log
    console = capfd.readouterr()
    assert "Kernel is running over TCP" not in console.err + console.out
    assert "Input Notebook" not in console.err and "Executing notebook" not in console.err


@pytest.mark.timeout(180)
def test_verbose_lets_the_kernel_and_papermill_speak(tmp_path, capfd, caplog):
    import logging

    nb = make_notebook(tmp_path / "t.ipynb", "print('feito')")
    with caplog.at_level(logging.INFO, logger="papermill"):
        result = run_notebook(NotebookRun(nb, tmp_path / "out" / "t.ipynb", {}, verbose=True))
    assert result.ok and result.failure is None
    assert any("Executing notebook" in r.getMessage() for r in caplog.records)
    data = json.loads(result.output.read_text(encoding="utf-8"))
    assert data["cells"][0]["cell_type"] == "markdown" and data["metadata"]["canais_kit"]["status"] == "ok"
    assert not result.output.with_suffix(".log").exists()  # nothing went to the log: the kernel spoke on the console


def test_papermill_is_imported_without_the_iri_format_grammar():
    """jsonschema skips its IRI format checker while papermill is first imported; the module stays importable."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from kit.reports.runner import _import_papermill\n"
        "pm = _import_papermill()\n"
        "assert pm.__name__ == 'papermill' and 'jsonschema' in sys.modules\n"
        "assert 'rfc3987_syntax' not in sys.modules, 'the grammar was built'\n"
        "import nbformat\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
        "nbformat.validate(nb)\n"
        "try:\n"
        "    import rfc3987_syntax  # installed with jupyter-events: importable again once papermill is in\n"
        "except ImportError as exc:\n"
        "    assert 'None in sys.modules' not in str(exc), exc\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
