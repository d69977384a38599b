"""One of each: one probability formatter (ui/numbers.percent), one parameter count
(nn_core.n_params), one canvas size (nn_core.preprocess.CANVAS), one colour module
(ui/colors.py) and one builder of light bar charts (ui/charts/svg.py). Each test fails if a
second definition comes back; the pages' percentages are checked where a confident answer
used to read "100%"."""
import re

from devtools.apptest import derived, fresh, on_page, use_model
from devtools.paths import ASSETS, ROOT
from nn_core import load_model
from ui.numbers import percent

APP = [ROOT / "app.py", *(p for d in ("app_pages", "views", "ui", "session", "links", "server")
                          for p in sorted((ROOT / d).rglob("*.py")))]
TOOLS = [p for d in ("views/draw", "devtools", "scripts", "benchmarks", "tests") for p in sorted((ROOT / d).rglob("*.py"))]


def where(files, pattern: str, but: tuple[str, ...] = ()) -> list[str]:
    """'path:line' of every match of `pattern` in `files`, outside the files named in `but`."""
    rx = re.compile(pattern)
    name = lambda p: p.relative_to(ROOT).as_posix() if p.is_relative_to(ROOT) else p.name  # noqa: E731
    return [f"{name(p)}:{i}" for p in files if name(p) not in but
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if rx.search(line)]


def test_the_pattern_finder_finds_what_it_looks_for(tmp_path):
    f = tmp_path / "x.py"
    f.write_text('a = f"{p:.0%}"\nb = 1\n', encoding="utf-8")
    assert [w.split(":")[-1] for w in where([f], r":\.?\d*%\}")] == ["1"]


def test_one_probability_formatter():
    """Every share shown as a percentage goes through ui/numbers.percent: no format spec that
    rounds 0.996 to "100%" (Python's :.0%) in the app or its teaching text."""
    assert where(APP, r":[+ ]?\.?\d*%\}", but=("session/scores.py",)) == []  # session/ may not import ui/ (a file's claim)
    texts = sorted((ROOT / "assets" / "text").glob("*.md"))
    assert where(texts, r"\{\w*:[^}]*%\}") == []
    assert where(APP, r"def (pct|percent|fmt_p|as_percent)\w*\(", but=("ui/numbers.py",)) == []


def test_one_parameter_count():
    """n[l-1]·n[l] + n[l] summed over the layers is written once (nn_core/model.py: n_params)."""
    core = sorted((ROOT / "nn_core").rglob("*.py"))
    assert where(APP + core, r"\.size \+|\* ?b \+ ?b\b|\bb \+ a \* b", but=("nn_core/model.py",)) == []


def test_one_canvas_size():
    assert where(TOOLS, r"\b280\b") == []  # CANVAS (nn_core/preprocess.py) wherever the canvas's side is meant


def test_one_colour_module():
    """Colours are written down once, in ui/colors.py; nothing else defines a colour or a scale."""
    assert where(APP, r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|rgba?\(\d", but=("ui/colors.py",)) == []
    assert where(APP, r"plotly\.colors|RdBu|Okabe|OKABE", but=("ui/colors.py",)) == []


def test_one_light_bar_chart_builder():
    assert where(APP, r"def \w*bars\(", but=("ui/charts/svg.py", "ui/charts/bars.py")) == []
    assert where(APP, r"<svg", but=("ui/charts/svg.py", "ui/pictures.py")) == []


def test_robustness_says_how_sure_the_network_is_without_rounding_to_100():
    """The default model is over 99.5 % sure of the first test image: the page once printed
    "(100%)" with :.0%."""
    at = on_page("app_pages/robust.py")
    model, x = at.session_state["model.current"], at.session_state["example.x"].reshape(1, -1)
    p = model.forward(x)[0][0]
    k = int(p.argmax())
    assert 0.995 <= p[k] < 1
    line = next(m.value for m in at.markdown if m.value.startswith("Reads **"))
    assert line.startswith(f"Reads **{k}** ({percent(p[k])}) → **{k}** ({percent(p[k])})")
    assert "100%" not in line and "100 %" not in line


def test_the_most_confident_mistakes_are_never_100_percent_sure():
    """A network made overconfident (its logits times 3) is over 99.5 % sure of its worst
    mistakes: the gallery once printed them as "(100%)" with :.0%."""
    model = load_model(ASSETS / "default_model.npz")[0]
    L = model.L
    model.params[f"W{L}"] *= 3
    model.params[f"b{L}"] *= 3
    at = fresh()
    use_model(at, model)
    at.switch_page("app_pages/evaluate.py").run()
    assert not at.exception, at.exception
    probs = derived(at, "model.test_scores").probs
    captions = [i.caption for img in at.get("image") for i in img.proto.imgs if i.caption.startswith("#")]
    assert len(captions) >= 6
    for c in captions:
        i = int(c[1:].split(":")[0].replace(",", ""))
        p = probs[i]
        assert f"read as {int(p.argmax())} ({percent(p.max())})" in c, c
        assert "(100%)" not in c and "(100 %)" not in c
    sure = [probs[int(c[1:].split(":")[0].replace(",", ""))].max() for c in captions]
    assert max(sure) > 0.995 and max(sure) < 1  # confident enough that :.0% said "100%"
