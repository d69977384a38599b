"""Every page asks something before it shows the answer (AppTest): answering reveals the right
answer, and the right answer is what the page's own numbers then show: its table, its chart's
data, the chart after the student does what the question says. (Draw, Train and Backprop:
test_draw_questions.py, test_train_questions.py, test_backprop.py.)"""
import re
from itertools import combinations

import numpy as np
import pytest

from devtools.apptest import answer, decode, figures, fresh, kept_run
from views.inside.questions import line_for


def _revealed(verdict: str, choices: list[str]) -> str:
    """The right choice a verdict names ("Right: X. …" for the choice picked, or "…the answer is X. …")."""
    found = re.match(r"(?:Right: |Not quite: the answer is )(.+?)\. ", verdict)
    assert found and found.group(1) in choices, verdict
    return found.group(1)


def _ask(at, key: str) -> tuple[str, list[str], str]:
    """(prompt, choices, the right choice revealed) of question `key`, answered with its first choice."""
    radio = next(r for r in at.radio if r.key.startswith(key + "."))
    prompt, choices = radio.label, list(radio.options)
    return prompt, choices, _revealed(answer(at, key, 0), choices)


def _figure(at, title_part: str) -> dict:
    return next(f for f in figures(at) if title_part in f["layout"].get("title", {}).get("text", ""))


def _on(script: str, at=None):
    at = at or fresh()
    at.switch_page(script).run()
    assert not at.exception, at.exception
    return at


def test_home_asks_for_the_parameter_count_its_table_then_shows():
    at = fresh()
    _, _, right = _ask(at, "home.q.params")
    (table,) = [t.value for t in at.table if "W shape" in list(t.value.columns)]
    assert int(right.replace(",", "")) == int(table["parameters"].astype(int).sum())
    assert any(right in c.value for c in at.caption)


def test_weights_asks_whether_w1_spread_out_as_its_histograms_show():
    at = _on("app_pages/weights.py")
    prompt, choices, right = _ask(at, "weights.q.spread")
    snaps = at.session_state["model.snapshots"]
    now, start = snaps[-1].params["W1"].std(), snaps[0].params["W1"].std()  # the slider's last snapshot, the first
    ratio = now / start
    assert right == ("more spread out" if ratio > 1.1 else "less spread out" if ratio < 1 / 1.1 else choices[1])
    alts = " ".join(str(c.proto.alt) for c in at.get("plotly_chart"))  # the histograms' text alternative
    assert f"(spread {now:.3g})" in alts and f"initialisation ({start:.3g})" in alts


def test_evaluate_asks_for_the_hardest_digit_its_accuracy_table_then_shows():
    at = _on("app_pages/evaluate.py")
    per_digit = [c for c in at.get("plotly_chart") if "Accuracy per true digit" in str(c.proto.alt)]
    assert not per_digit and not any("each digit read correctly" in h.proto.body for h in at.get("html"))
    _, _, right = _ask(at, "eval.q.hardest")
    assert [c for c in at.get("plotly_chart") if "Accuracy per true digit" in str(c.proto.alt)]  # now shown
    body = next(h.proto.body for h in at.get("html") if "each digit read correctly" in h.proto.body)
    rows = re.findall(r"<tr><td>(\d)</td><td>([\d.]+) %</td></tr>", body)
    shown = {int(d): float(a) for d, a in rows}
    assert len(shown) == 10 and int(right) == min(shown, key=shown.get)


def _overlap(fig: dict) -> dict:
    """Each pair of digits: the share of their points (as the map draws them) nearer the other digit's centre."""
    pts = {int(t["name"]): np.stack([decode(t["x"]), decode(t["y"])], axis=1) for t in fig["data"][:10]}
    centre = {d: p.mean(axis=0) for d, p in pts.items()}
    out = {}
    for a, b in combinations(range(10), 2):
        wrong = np.concatenate([np.linalg.norm(pts[a] - centre[b], axis=1) < np.linalg.norm(pts[a] - centre[a], axis=1),
                                np.linalg.norm(pts[b] - centre[a], axis=1) < np.linalg.norm(pts[b] - centre[b], axis=1)])
        out[(a, b)] = wrong.mean()
    return out


def test_the_layer_map_asks_which_digits_overlap_as_its_points_then_show():
    at = _on("app_pages/layermap.py")
    _, choices, right = _ask(at, "layermap.q.overlap")
    share = _overlap(_figure(at, "A1"))
    offered = {c: tuple(int(d) for d in c.split(" and ")) for c in choices}
    assert offered[right] == max(share, key=share.get)  # the pair the map mixes most of all 45
    assert share[offered[right]] > max(share[p] for c, p in offered.items() if c != right)


def test_units_asks_which_digit_excites_the_unit_as_its_chart_then_shows():
    at = _on("app_pages/units.py")
    at.number_input(key="units.unit").set_value(17).run()
    prompt, _, right = _ask(at, "units.q.digit")
    assert "unit 17 of layer 1" in prompt
    means = next(decode(t["y"]) for f in figures(at) for t in f["data"] if t.get("name") == "mean")
    assert int(right) == int(np.argmax(means))


def test_break_it_asks_which_digit_suffers_and_switching_that_unit_off_shows_it():
    at = _on("app_pages/lab.py")
    prompt, _, right = _ask(at, "lab.q.unit")
    l, j = (int(g) for g in re.search(r"unit (\d+) of layer (\d+)", prompt).groups()[::-1])
    at.multiselect(key=f"lab.off.{l}").set_value([j]).run()  # the student does what the question says
    assert not at.exception, at.exception
    fig = _figure(at, "Mistakes per digit")
    before, after = (decode(t["y"]) for t in fig["data"])
    assert int(right) == int(np.argmax(after - before))


def test_robustness_asks_where_rotation_breaks_it_as_its_curve_then_shows():
    at = _on("app_pages/robust.py")
    prompt, choices, right = _ask(at, "robust.q.rotation")
    fig = next(f for f in figures(at) if f["layout"]["title"]["text"] == "Rotation")
    x, y = decode(fig["data"][0]["x"]), decode(fig["data"][0]["y"])  # the measured curve
    line = line_for(float(y[x == 0][0]))
    assert f"below {line * 100:g} %" in prompt
    below = [a for a, acc in zip(x, y) if a > 0 and acc < line]
    assert right == (f"{min(below):g}°" if below else choices[-1])


def test_compare_asks_which_runs_gradients_are_smaller_before_its_chart_and_note():
    at = fresh()
    at.session_state["runs.kept"] = [kept_run(1, 0.02), kept_run(2, 0.0004)]
    _on("app_pages/compare.py", at)
    _, choices, right = _ask(at, "compare.q.gradients")
    fig = _figure(at, "Gradient size per layer")
    w1 = {t["name"]: decode(t["y"])[0] for t in fig["data"]}  # each run's dW1 bar
    assert right.startswith(min(w1, key=w1.get))


def test_compare_without_two_runs_says_the_question_waits():
    at = _on("app_pages/compare.py")
    assert not any(r.key.startswith("compare.q.gradients.") for r in at.radio)
    assert any("A question waits for two runs" in c.value for c in at.caption)


@pytest.mark.parametrize("script, key, answers", [
    ("app_pages/home.py", "home.q.params", "home.view.parameters"),
    ("app_pages/weights.py", "weights.q.spread", "weights.view.histograms"),
    ("app_pages/evaluate.py", "eval.q.hardest", "eval.view.matrix"),
    ("app_pages/layermap.py", "layermap.q.overlap", "layermap.view.map"),
    ("app_pages/units.py", "units.q.digit", "units.view.unit"),
    ("app_pages/lab.py", "lab.q.unit", "lab.view.results"),
    ("app_pages/robust.py", "robust.q.rotation", "robust.view.curves")])
def test_each_question_comes_before_what_answers_it(script, key, answers):
    """Predict first: reading down the page, a student meets the question before the part that answers it."""
    order = [getattr(n, "key", None) for n in _on(script)._tree]
    assert order.index(key) < order.index(answers)
