"""Packaging (issue 14, item 13): each declared dependency is used, each import is declared, the
training libraries stay out of the runtime, and the version is written once."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pipeline

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]

# import name → distribution, where they differ
DIST = {"bs4": "beautifulsoup4", "docx": "python-docx", "PIL": "pillow", "flask_wtf": "flask-wtf",
        "sklearn": "scikit-learn", "yaml": "pyyaml"}
# imported directly, installed by a declared dependency that needs them
PROVIDED = {"werkzeug": "flask", "itsdangerous": "flask", "markupsafe": "flask", "jinja2": "flask",
            "distributed": "dask"}  # dask[distributed]
# declared and used without an import statement of their own
INDIRECT = {"pillow": ("pipeline/ingest/pdf.py", ".to_pil()")}  # pypdfium2 imports PIL to render OCR pages


def _name(req: str) -> str:
    for sep in "<>=!~[;( ":
        req = req.split(sep)[0]
    return req.strip().lower()


def _runtime_imports() -> dict[str, set[str]]:
    """Third-party top-level modules imported by the package (training scripts apart)."""
    std = set(sys.stdlib_module_names) | {"pipeline", "extractors", "models"}
    found: dict[str, set[str]] = {}
    for root in ("pipeline", "extractors", "models"):
        for p in (ROOT / root).rglob("*.py"):
            if p.name.startswith("train_"):
                continue
            for n in ast.walk(ast.parse(p.read_text("utf-8"))):
                names = [a.name for a in n.names] if isinstance(n, ast.Import) else \
                    [n.module] if isinstance(n, ast.ImportFrom) and n.module and n.level == 0 else []
                for m in names:
                    top = m.split(".")[0]
                    if top not in std:
                        found.setdefault(top, set()).add(str(p.relative_to(ROOT)))
    return found


def _declared() -> tuple[set[str], dict[str, set[str]]]:
    core = {_name(r) for r in PROJECT["dependencies"]}
    extras = {k: {_name(r) for r in v} for k, v in PROJECT["optional-dependencies"].items()}
    return core, extras


def test_every_runtime_import_is_declared():
    core, extras = _declared()
    declared = core | set().union(*extras.values())
    missing = {m: sorted(files) for m, files in _runtime_imports().items()
               if DIST.get(m, m).lower() not in declared and PROVIDED.get(m) not in declared}
    assert missing == {}
    for dist, (path, marker) in INDIRECT.items():  # Pillow: no import statement, still needed at run time
        assert marker not in (ROOT / path).read_text("utf-8") or dist in core, (dist, path)


def test_every_core_dependency_is_used():
    core, _ = _declared()
    used = {DIST.get(m, m).lower() for m in _runtime_imports()}
    for dist, (path, marker) in INDIRECT.items():
        if marker in (ROOT / path).read_text("utf-8"):
            used.add(dist)
    assert core - used == set()


def test_training_libraries_are_an_extra_not_a_requirement():
    core, extras = _declared()
    assert {"spacy", "scikit-learn", "pytesseract", "pdfplumber"} & core == set()
    assert {"spacy", "scikit-learn"} <= extras["train"]
    assert "pytesseract" not in set().union(*extras.values())  # OCR runs the tesseract program
    assert "train" in PROJECT["optional-dependencies"]["all"][0]


_BLOCKED_RUN = """
import json, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"sklearn", "spacy", "pytesseract", "pdfplumber"}:
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
from pipeline.run import process
tasks = [len(process(f).extraction.tasks) for f in sys.argv[1:]]
import pipeline.cli, pipeline.importer, pipeline.web  # noqa: E401
print(json.dumps({"tasks": tasks, "loaded": sorted(m for m in sys.modules if m.split(".")[0] in
                  {"sklearn", "spacy", "pytesseract", "pdfplumber"})}))
"""


def test_runtime_runs_without_training_libraries():
    files = [ROOT / "corpus/files/009_sct_CV-597-HC-QLHC-CucHoaChat.docx",
             ROOT / "corpus/docs/dev/020_sct_KH-1105-DKT-ke-hoach-kiem-tra.txt"]
    r = subprocess.run([sys.executable, "-c", _BLOCKED_RUN, *map(str, files)], capture_output=True, text=True,
                       env={"VANBAN_OCR": "0", "PATH": "/usr/bin:/bin"}, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.splitlines()[-1])
    assert out == {"tasks": [2, 6], "loaded": []}  # the task classifier ran (JSON model, numpy)


def test_one_version_string():
    assert "version" not in PROJECT and "version" in PROJECT["dynamic"]
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    assert tool["dynamic"]["version"] == {"attr": "pipeline.__version__"}
    assert importlib.metadata.version("vanban") == pipeline.__version__
    from click.testing import CliRunner

    from pipeline.cli import main

    assert CliRunner().invoke(main, ["--version"]).output.strip() == f"vanban, version {pipeline.__version__}"
