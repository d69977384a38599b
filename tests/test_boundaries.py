"""The core never imports the UI, and speaks only NumPy, the standard library and Pillow."""
import ast
import subprocess
import sys

from conftest import ROOT


def test_importing_nn_core_loads_no_ui_library():
    code = "import sys, nn_core, nn_core.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in {'streamlit','plotly','pandas','torch','tensorflow','jax'}))"
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"


def test_core_sources_import_only_allowed_modules():
    allowed = {"numpy", "PIL", "nn_core", "__future__"} | set(sys.stdlib_module_names)
    for path in (ROOT / "nn_core").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"


def test_pages_hand_figures_to_streamlit_one_way():
    """The plot config (full width, no mode bar) is written once, in ui/charts/spec.py: PLOT."""
    sources = [*(ROOT / "app_pages").glob("*.py"), *(ROOT / "ui").rglob("*.py"), ROOT / "app.py"]
    where = [p.relative_to(ROOT).as_posix() for p in sources if "displayModeBar" in p.read_text()]
    assert where == ["ui/charts/spec.py"]
