"""Boundaries of the code, checked on its syntax tree: a room per job, imports one way.

    app.py, app_pages/  ->  views/  ->  ui/, session/, links/  ->  server/  ->  nn_core/

Each room's allowed first-party imports are in ROOMS; a page's folder under views/ imports
views/shell and its own folder only. ui/ and server/ read no session state; pages import
only nn_core's public API and write only their own session-state keys (everything shared
goes through session/); nothing in the app imports devtools/, no test, benchmark or
script edits sys.path, and no test module imports another (shared helpers are in devtools/,
shared fixtures in tests/conftest.py).
"""
import ast
import subprocess
import sys

import pytest

import nn_core
from devtools.paths import ROOT

PAGES = sorted((ROOT / "app_pages").glob("*.py"))
KEY_PREFIX = {"evaluate": "eval."}  # every other page's keys start with its file name and a dot
WRITE_METHODS = {"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"}
PAGE_MODULES = {"streamlit", "numpy", "__future__"} | set(sys.stdlib_module_names)
FIRST_PARTY = {"nn_core", "server", "ui", "session", "links", "views", "app_pages", "devtools"}
# room -> (first-party rooms it may import, third-party packages it may import)
ROOMS = {
    "nn_core": ({"nn_core"}, {"numpy", "PIL"}),
    # pandas: imported whole before any chart (server/resources.py); starlette: Streamlit's web server,
    # whose HTTPException answers a refused upload (server/uploads.py)
    "server": ({"server", "nn_core"}, {"numpy", "streamlit", "threadpoolctl", "pandas", "starlette"}),
    "ui": ({"ui", "nn_core"}, {"numpy", "streamlit", "plotly", "PIL"}),
    "session": ({"session", "server", "nn_core"}, {"numpy", "streamlit"}),
    "links": ({"links", "server", "ui", "nn_core"}, {"numpy", "streamlit"}),
    "views": ({"views", "ui", "session", "links", "server", "nn_core"},
              {"numpy", "streamlit", "streamlit_drawable_canvas", "PIL"}),
}
VIEWS_SHARED = {"shell"}  # the folders under views/ that every page's folder may import


def _room_files(room: str):
    return sorted((ROOT / room).rglob("*.py"))


def test_importing_nn_core_loads_no_ui_library():
    code = "import sys, nn_core, nn_core.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in {'streamlit','plotly','pandas','torch','tensorflow','jax'}))"
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"


def _imports(tree: ast.AST):
    """(module, names) for every import; names is None for a plain `import module`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, None
        elif isinstance(node, ast.ImportFrom):
            yield ("." * node.level) + (node.module or ""), [a.name for a in node.names]


def test_core_sources_import_only_allowed_modules():
    allowed = {"numpy", "PIL", "nn_core", "__future__"} | set(sys.stdlib_module_names)
    for path in (ROOT / "nn_core").rglob("*.py"):
        for module, _ in _imports(ast.parse(path.read_text())):
            assert module.startswith(".") or module.split(".")[0] in allowed, f"{path.name} imports {module}"


# ------------------------------------------------------------------ pages -> ui -> nn_core
def page_import_problems(source: str) -> list[str]:
    problems = []
    for module, names in _imports(ast.parse(source)):
        top = module.split(".")[0]
        if top in {"views", "ui", "session", "links", "server"}:
            continue
        if module == "nn_core" and names is not None:
            problems += [f"nn_core.{n} is not nn_core's public API" for n in names if n not in nn_core.__all__]
        elif top in PAGE_MODULES and names is None:  # `import numpy as np`, not `from streamlit import x`
            continue
        else:
            problems.append(f"imports {module}" + (f" ({', '.join(names)})" if names else ""))
    return problems


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_pages_import_only_ui_and_the_public_core(path):
    assert page_import_problems(path.read_text()) == []


def room_import_problems(room: str, rel: str, source: str) -> list[str]:
    """Imports of `source` (a file of `room`, at `rel` under the root) that its room may not make."""
    allowed_first, allowed_third = ROOMS[room]
    own_view = rel.split("/")[1] if room == "views" and rel.count("/") >= 2 else None
    problems = []
    for module, _ in _imports(ast.parse(source)):
        top = module.split(".")[0]
        if not top or top == "__future__" or top in sys.stdlib_module_names:
            continue
        if top in FIRST_PARTY:
            if top not in allowed_first:
                problems.append(f"{rel} imports {module}")
            elif top == "views" and own_view is not None and "." in module:
                folder = module.split(".")[1]
                if folder not in VIEWS_SHARED | {own_view}:
                    problems.append(f"{rel} imports {module} (another page's parts)")
        elif top not in allowed_third:
            problems.append(f"{rel} imports {module}")
    return problems


@pytest.mark.parametrize("room", sorted(ROOMS))
def test_each_room_imports_only_what_it_may(room):
    problems = [p for path in _room_files(room)
                for p in room_import_problems(room, path.relative_to(ROOT).as_posix(), path.read_text())]
    assert problems == []


def test_the_room_checker_finds_an_import_the_wrong_way():
    assert room_import_problems("server", "server/x.py", "from session import state\nimport plotly\n") == [
        "server/x.py imports session", "server/x.py imports plotly"]
    assert room_import_problems("views", "views/draw/x.py", "from views.inside import units\nfrom views.shell import nav\n"
                                "from views.draw import canvas\n") == [
        "views/draw/x.py imports views.inside (another page's parts)"]
    assert room_import_problems("ui", "ui/x.py", "from ui.charts import spec\nimport numpy as np\n") == []


@pytest.mark.parametrize("room", ["ui", "server"])
def test_drawing_and_the_server_read_no_session_state(room):
    """ui/ draws what it is given; server/ holds what every session shares: neither reads a session."""
    where = [p.relative_to(ROOT).as_posix() for p in _room_files(room) if "st.session_state" in p.read_text()]
    assert where == []


def test_every_room_says_what_it_holds():
    """Each folder's __init__ docstring says what lives there and what does not."""
    for init in [*(ROOT / r / "__init__.py" for r in ROOMS), *(ROOT / "views").glob("*/__init__.py"),
                 *(ROOT / "nn_core").glob("*/__init__.py"), ROOT / "devtools" / "__init__.py"]:
        doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        assert len(doc) > 60, init.relative_to(ROOT)


def test_nothing_in_the_app_imports_devtools_or_a_page():
    for room in [*ROOMS, "app_pages"]:
        for path in _room_files(room):
            for module, _ in _imports(ast.parse(path.read_text())):
                assert module.split(".")[0] not in {"devtools", "app_pages"} or room == "app_pages" and \
                    module.split(".")[0] != "devtools", f"{path.relative_to(ROOT)} imports {module}"


def test_nothing_edits_sys_path():
    """Tests, benchmarks and scripts import the project from the root (pytest's pythonpath,
    `python -m benchmarks.x`), never by editing sys.path."""
    where = [p.relative_to(ROOT).as_posix() for d in ("tests", "benchmarks", "scripts", "devtools")
             for p in (ROOT / d).rglob("*.py") if p.name != "test_boundaries.py"
             and any(f"sys.path.{verb}" in p.read_text() for verb in ("insert", "append"))]
    assert where == []


def imports_of_test_modules(source: str, modules: set[str]) -> list[str]:
    """The imports in `source` of any of `modules` (test modules, conftest, the tests package)."""
    return [module for module, _ in _imports(ast.parse(source))
            if module.split(".")[0] in modules or module.startswith(("tests.", "."))]


def test_no_test_module_imports_another():
    """What tests share lives in devtools/ (helpers) and tests/conftest.py (fixtures): a test
    module imported by another runs twice, drags its fixtures along and hides what is shared.
    Neither do benchmarks, scripts or devtools import a test module."""
    tests = {p.stem for p in (ROOT / "tests").glob("*.py")} | {"tests"}
    where = [f"{p.relative_to(ROOT).as_posix()} imports {m}" for d in ("tests", "benchmarks", "scripts", "devtools")
             for p in (ROOT / d).rglob("*.py") if "vendor" not in p.parts
             for m in imports_of_test_modules(p.read_text(), tests)]
    assert where == []
    assert imports_of_test_modules("from test_app import fresh\nimport conftest\nfrom tests.test_pages import draw\n"
                                        "from devtools.apptest import fresh\nimport numpy\n",
                                        {"test_app", "test_pages", "conftest", "tests"}) == [
        "test_app", "conftest", "tests.test_pages"]


# ------------------------------------------------------------------ pages write only their own keys
def _is_session_state(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "session_state" and isinstance(node.value, ast.Name)
            and node.value.id == "st")


def _key_head(node: ast.AST) -> str | None:
    """The literal start of a key: "draw.canvas", or the constant head of f"draw.canvas.{n}"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return node.values[0].value
    return None


def session_state_problems(source: str, prefix: str) -> list[str]:
    """Every write to st.session_state outside `prefix` (subscript assignment, augmented
    assignment, del, attribute assignment, update/setdefault/pop/clear/...), every widget
    key= outside it, and every other use of st.session_state than reading it."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    problems = []

    def check(key_node: ast.AST | None, what: str, line: int) -> None:
        head = _key_head(key_node) if key_node is not None else None
        if head is None or not head.startswith(prefix):
            shown = ast.unparse(key_node) if key_node is not None else "?"
            problems.append(f"line {line}: {what} {shown}")

    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "key":
            check(node.value, "widget key", node.value.lineno)
        if not _is_session_state(node):
            continue
        parent = parents[node]
        grand = parents.get(parent)
        if isinstance(parent, ast.Subscript) and parent.value is node:
            if not isinstance(parent.ctx, ast.Load):  # `st.session_state[k] = v`, `+=`, `del`
                check(parent.slice, "writes", node.lineno)
        elif isinstance(parent, ast.Attribute) and parent.value is node:
            is_call = isinstance(grand, ast.Call) and grand.func is parent
            if not isinstance(parent.ctx, ast.Load):  # `st.session_state.k = v`
                check(ast.Constant(parent.attr), "writes", node.lineno)
            elif is_call and parent.attr in WRITE_METHODS:
                if parent.attr == "update" and grand.args and isinstance(grand.args[0], ast.Dict):
                    for k in grand.args[0].keys:
                        check(k, "updates", node.lineno)
                    for kw in grand.keywords:
                        check(ast.Constant(kw.arg), "updates", node.lineno)
                elif parent.attr in {"setdefault", "pop", "__setitem__", "__delitem__"} and grand.args:
                    check(grand.args[0], f"{parent.attr}s", node.lineno)
                else:
                    problems.append(f"line {node.lineno}: st.session_state.{parent.attr}(...) of keys it cannot name")
            elif not (is_call and parent.attr == "get") and not isinstance(parent.ctx, ast.Load):
                problems.append(f"line {node.lineno}: st.session_state.{parent.attr}")
        elif isinstance(parent, ast.Compare) and node in parent.comparators and \
                all(isinstance(op, (ast.In, ast.NotIn)) for op in parent.ops):
            continue  # `"k" in st.session_state`
        else:
            problems.append(f"line {node.lineno}: st.session_state handed on ({type(parent).__name__})")
    return problems


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_pages_write_only_their_own_keys(path):
    prefix = KEY_PREFIX.get(path.stem, path.stem + ".")
    assert session_state_problems(path.read_text(), prefix) == []


def test_app_py_leaves_session_state_to_ui():
    assert "session_state" not in (ROOT / "app.py").read_text()


def test_the_key_checker_finds_every_kind_of_write():
    foreign = '''
import streamlit as st
st.session_state["model.current"] = 1
st.session_state["draw.ok"], st.session_state["eval.x"] = 1, 2
st.session_state[f"eval.{1}"] += 1
del st.session_state["example.x"]
st.session_state.update({"draw.ok": 1, "example.x": 2})
st.session_state.update(example_label=3)
st.session_state.setdefault("eval.y", 0)
st.session_state.pop("train.error")
st.session_state.clear()
st.session_state.model = 4
state = st.session_state
helper(st.session_state)
st.button("b", key="eval.button")
'''
    problems = session_state_problems(foreign, "draw.")
    lines = sorted(int(p.split(":")[0].removeprefix("line ")) for p in problems)
    assert lines == list(range(3, 16)), problems  # one problem on each line after the import
    reads = '''
import streamlit as st
x = st.session_state["model.current"]
y = st.session_state.get("eval.true", 0)
if "draw.index" not in st.session_state:
    st.session_state["draw.index"] = 0
st.session_state.update({"draw.a": 1})
st.slider("s", key=f"draw.canvas.{x}")
'''
    assert session_state_problems(reads, "draw.") == []
    assert page_import_problems("from nn_core.optimizers import SGD\nfrom nn_core import MLP, _hidden\n"
                                "from streamlit import session_state\nimport plotly\n"
                                "from streamlit_drawable_canvas import st_canvas\nimport numpy as np\n"
                                "from session import state\n") == [
        "imports nn_core.optimizers (SGD)", "nn_core._hidden is not nn_core's public API",
        "imports streamlit (session_state)", "imports plotly", "imports streamlit_drawable_canvas (st_canvas)"]


def test_pages_hand_figures_to_streamlit_one_way():
    """The plot config (full width, no mode bar) is written once, in ui/charts/spec.py: PLOT."""
    sources = [*(ROOT / "app_pages").glob("*.py"), *(p for r in ROOMS for p in _room_files(r)), ROOT / "app.py"]
    where = [p.relative_to(ROOT).as_posix() for p in sources if "displayModeBar" in p.read_text()]
    assert where == ["ui/charts/spec.py"]
