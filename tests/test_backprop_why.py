"""Why the step moved the answer (issue 17 §2, §4, §5), read off the core Backprop page as a student
reads it: after a press, each score's change split into its parts through the changed W2, b2 and
A1 adds up to the printed change, digit for digit; the parts are the true ones (for one SGD step on
one example the part through W2 is −α·dZ2[k]·‖A1‖², written out with its numbers for the true
digit, which multiply out as printed); the caption that says which score rose against its gradient (or that none did)
is true of the table beside it; every before → after table's change is the printed after minus
the printed before; a confident example says so with the size of A − Y and offers the two ways
out. Several examples (wrong, unsure, confident), SGD at two rates, 1 and 10 steps, momentum
and Adam."""
import re

import numpy as np
import pytest

from devtools.apptest import button, captions, metric, open_backprop
from devtools.shown import close, differs, half_ulp, html_tables, multiplies, number, sums_to

RATES = {"slow": 0.001, "fast": 0.1}


def html(at) -> str:
    return " ".join(m.value for m in at.markdown)


def reads_across(b: str, a: str, d: str) -> bool:
    """after − before = change as printed, digit for digit; or, where the change says "≈" (a value
    next to 0 or 100 %, or two values ages apart), within the last places printed."""
    if not d.startswith("≈"):
        return differs(b, a, d)
    d, a, b = d.removeprefix("≈ "), a.removeprefix("> "), b.removeprefix("> ")  # "> 99.9999999999 %": next to 100
    return abs(number(a) - number(b) - number(d)) <= half_ulp(a) + half_ulp(b) + half_ulp(d)


def shown_table(at, caption: str) -> list[list[str]]:
    return next(rows for cap, rows in html_tables(html(at)) if cap.startswith(caption))


def press(kind: str, rule: str, lr: float, steps: int, presses: int = 1):
    at = open_backprop()
    if kind != "wrong":
        at.segmented_control(key="backprop.kind").set_value(kind).run()
    at.selectbox(key="backprop.rule").set_value(rule)
    at.select_slider(key="backprop.lr").set_value(lr).run()
    for _ in range(presses):
        button(at, f"{steps} step{'s' if steps > 1 else ''}").click().run()
    assert not at.exception, at.exception
    return at


def reference(at):
    """(before model, after model, x, label): what the last press did, from the session."""
    last = at.session_state["model.undo"][-1]
    return last.model, at.session_state["model.current"], at.session_state["example.x"], int(at.session_state["example.label"])


def forward64(model, x):
    m = model.astype(np.float64)
    return m.forward(np.asarray(x, np.float64)[None])[1]


CASES = [("wrong", "sgd", RATES["slow"], 1, 1), ("wrong", "sgd", RATES["fast"], 1, 1),
         ("unsure", "sgd", RATES["slow"], 10, 1), ("confident", "sgd", RATES["fast"], 1, 1),
         ("wrong", "momentum", RATES["slow"], 1, 2), ("unsure", "adam", RATES["slow"], 1, 1),
         ("wrong", "adam", RATES["slow"], 10, 1)]


@pytest.mark.parametrize("kind, rule, lr, steps, presses", CASES)
def test_each_scores_change_is_its_parts_as_printed(kind, rule, lr, steps, presses):
    at = press(kind, rule, lr, steps, presses)
    before, after, x, label = reference(at)
    f0, f1 = forward64(before, x), forward64(after, x)
    A0, _A1, Z0, Z1 = f0["A1"][0], f1["A1"][0], f0["Z2"][0], f1["Z2"][0]
    W0, W1 = (m.params["W2"].astype(np.float64) for m in (before, after))
    b0, b1 = (m.params["b2"].astype(np.float64) for m in (before, after))
    rows = shown_table(at, "Why each score Z2 moved")
    assert [int(r[0]) for r in rows] == list(range(10))
    for k, (_, span, d, via_W, via_b, via_A) in enumerate(rows):
        b, a = (s.strip() for s in span.split("→"))
        assert differs(b, a, d), (k, b, a, d)                       # the change is after − before as printed
        assert sums_to([via_W, via_b, via_A], d), (k, via_W, via_b, via_A, d)  # ... and its parts as printed
        assert close(b, Z0[k]) and close(a, Z1[k]), (k, b, a, Z0[k], Z1[k])
        assert close(via_W, A0 @ (W1 - W0)[:, k]), (k, via_W, A0 @ (W1 - W0)[:, k])  # the old A1 times ΔW2
        assert close(via_b, b1[k] - b0[k]), (k, via_b)
    if rule == "sgd" and steps == 1:  # −α·dZ2[k]·‖A1‖² and −α·dZ2[k], their numbers multiplying out as printed
        p = np.exp(Z0 - Z0.max())
        dZ = p / p.sum()
        dZ[label] -= 1
        # the true digit and every digit the network gives at least 1 %: the others' steps are below
        # what float32 weights resolve (ΔW ≈ 1e-8 beside W ≈ 0.1), so their parts are the rounded step's
        for k in [k for k in range(10) if k == label or p[k] / p.sum() >= 0.01]:
            assert number(rows[k][3]) == pytest.approx(-lr * dZ[k] * (A0 @ A0), rel=2e-3, abs=1e-9), k
            assert number(rows[k][4]) == pytest.approx(-lr * dZ[k], rel=2e-3, abs=1e-9), k
        words = html(at)
        m = re.search(rf"for the true digit {label}, −(\S+) × (\S+) × (\S+) = (\S+?)\.\s", words)
        a_, dz, sq, w = m.groups()
        assert a_ == f"{lr:g}" and w == rows[label][3]
        assert multiplies(f"{-lr:g}", dz.strip("()"), str(-number(w) / number(sq))) or \
            multiplies(str(-lr * number(dz.strip("()"))), sq, w), (a_, dz, sq, w)
        assert number(sq) == pytest.approx(A0 @ A0, rel=5e-3) and close(dz.strip("()"), dZ[label])
        m = re.search(r"−α·dZ2\[k\]\*\* = −(\S+) × (\S+) = (\S+?)\.\s", words)
        assert multiplies(f"{-lr:g}", m.group(2).strip("()"), m.group(3)) and m.group(3) == rows[label][4]


@pytest.mark.parametrize("kind, rule, lr, steps, presses", CASES)
def test_the_caption_about_scores_against_their_gradient_is_true_of_the_table(kind, rule, lr, steps, presses):
    """"Digit k's score rose although the loss asked it down: ... through the changed A1 it moved a"
    names a digit whose row rose, with W2 and b2 parts down and the A1 part up; "every score moved
    the way the loss asked" is said only when every other digit's row fell and the true one rose."""
    at = press(kind, rule, lr, steps, presses)
    label = int(at.session_state["example.label"])
    rows = shown_table(at, "Why each score Z2 moved")
    rose = [k for k in range(10) if k != label and number(rows[k][2]) > 0]
    said = " ".join(captions(at))
    m = re.search(r"Digit (\d)'s score rose \(([^)]+)\) although the loss asked it down.*?it moved (\S+) and (\S+), "
                  r"as asked, but through the changed A1 it moved (\S+)\.", said)
    if m:
        k = int(m.group(1))
        assert k in rose and max(rose, key=lambda j: number(rows[j][2])) == k
        assert [m.group(i) for i in range(2, 6)] == [rows[k][2], rows[k][3], rows[k][4], rows[k][5]]
        assert number(rows[k][5]) > 0 and number(rows[k][3]) <= 0 and number(rows[k][4]) <= 0
    else:
        assert "every score moved the way the loss asked" in said
        assert not rose and number(rows[label][2]) > 0


@pytest.mark.parametrize("kind, rule, lr, steps, presses", CASES[:4])
def test_every_before_after_table_reads_across(kind, rule, lr, steps, presses):
    """§5: the loss and the probability tables, after − before = change as printed; percentages
    carry their unit; J and 1 − p never contradict (J = −log p ≥ 1 − p, as printed)."""
    at = press(kind, rule, lr, steps, presses)
    (name, jb, ja, jd), = shown_table(at, "The loss of this example")
    assert reads_across(jb, ja, jd), (jb, ja, jd)
    rows = shown_table(at, "Probabilities A2")
    for _, b, a, d in rows:
        assert b.endswith(" %") and a.endswith(" %") and reads_across(b, a, d), (b, a, d)
        assert len(re.sub(r"\D", "", d.split("e")[0]).lstrip("0")) <= 6, d  # no change runs to fourteen digits
    label = int(at.session_state["example.label"])
    p_after = number(rows[label][2].removeprefix("> ")) / 100
    assert number(ja) >= (1 - p_after) - 0.5 * 10 ** -2 or "≈" in ja  # never J < 1 − p on screen


def test_a_confident_example_says_why_it_barely_moves_and_offers_two_ways_out():
    at = open_backprop()
    at.segmented_control(key="backprop.kind").set_value("confident").run()
    label = int(at.session_state["example.label"])
    words = html(at)
    m = re.search(r"entry is A\[(\d)\] − 1 = −(\S+), and the whole error vector has length (\S+)\.", words)
    assert m and int(m.group(1)) == label
    x, model = at.session_state["example.x"], at.session_state["model.current"]
    p = model.astype(np.float64).forward(np.asarray(x, np.float64)[None])[0][0]
    err = p.copy()
    err[label] -= 1
    assert close(m.group(3), np.linalg.norm(err)) and number(m.group(2)) < 0.01
    pretend = next(b for b in at.button if b.key == "backprop.pretend_test")
    assert next(b for b in at.button if b.key == "backprop.take_wrong")
    other = int(re.search(r"(\d)$", pretend.label).group(1))
    assert other == int(np.argsort(-p)[1])
    pretend.click().run()
    assert not at.exception and any(m.label == f"Probability of {other}" for m in at.metric)
    assert not any(b.key == "backprop.pretend_test" for b in at.button)  # no longer confident: the box is gone


@pytest.mark.parametrize("kind, l2", [("wrong", 0.0), ("wrong", 0.01), ("confident", 0.0), ("confident", 1e-3)])
def test_the_loss_caption_checks_with_a_calculator(kind, l2):
    """"J = −log p (+ λ/2 × ΣW²) = ce + pen = J" holds at the digits shown: −log of the printed p
    rounds to the printed J (or ce), λ/2 times the printed ΣW² to the printed penalty."""
    at = open_backprop()
    if kind != "wrong":
        at.segmented_control(key="backprop.kind").set_value(kind).run()
    at.select_slider(key="backprop.l2").set_value(l2).run()
    said = next(c.value for c in at.caption if c.value.startswith("J = −log"))
    if l2:
        p, half, sq, ce, pen, J = re.search(r"= −log (\S+) \+ (\S+)/2 × (\S+) = (\S+) \+ (\S+) = (\S+?):", said).groups()
        assert multiplies(str(float(half) / 2), sq, pen) and sums_to([ce, pen], J), said
        assert sums_to([f"{float(half) / 2 * float(sq):.12g}"], pen), said
    else:
        p, ce = re.search(r"= −log (\S+) = (\S+?):", said).groups()
    assert sums_to([f"{-np.log(float(p)):.12g}"], ce), said
    assert metric(at, "Loss J") == (J if l2 else ce)


def test_the_chain_pictures_probability_gives_its_loss():
    """The chain rule's last two boxes, A2[y] and J = −log A2[y], check with a calculator."""
    at = open_backprop()
    svg = next(m.value for m in at.markdown if "<svg" in m.value and "The chain rule along" in m.value)
    title = re.search(r"<title>(.*?)</title>", svg, re.S).group(1)
    label = int(at.session_state["example.label"])
    p = re.search(rf"A2\[{label}\] = (\S+?),", title).group(1)
    J = re.search(r"J = (\S+?),", title).group(1)
    assert sums_to([f"{-np.log(float(p)):.12g}"], J), (p, J)


def test_a_confident_examples_tiny_change_is_explained_beside_it():
    """After 10 steps on an example read at > 99 %, the change is tiny: the result says why, with
    the size of A − Y before the press (the student's own confident digit gets its reason)."""
    at = open_backprop()
    at.segmented_control(key="backprop.kind").set_value("confident").run()
    assert not any(i.value.startswith("**Why so little moved") for i in at.info)
    x, model, label = at.session_state["example.x"], at.session_state["model.current"], int(at.session_state["example.label"])
    p = model.astype(np.float64).forward(np.asarray(x, np.float64)[None])[0][0]
    button(at, "10 steps").click().run()
    said = next(i.value for i in at.info if i.value.startswith("**Why so little moved"))
    err = p.copy()
    err[label] -= 1
    assert close(re.search(r"had length only (\S+),", said).group(1), np.linalg.norm(err)), said
    (_, b, a, d), = [r for r in shown_table(at, "Probabilities A2") if int(r[0]) == label]
    assert abs(number(d.removeprefix("≈ "))) < 1  # less than a point: what the words explain
