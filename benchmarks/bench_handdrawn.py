"""Benchmark: how well models read the hand-drawn set (tests/data/handdrawn.json, 64 digits).

Offline (default): each digit's strokes are rendered like the canvas (devtools/handdrawn.py,
Pillow, 280x280, the digit's brush width), go through nn_core.prepare_drawing, and every
model given is scored: accuracy, per digit, and the misread ones.

--browser: the REAL path. A Streamlit server and Debian's Chromium; on the Draw page the
Brush size slider is set to each digit's width, the canvas cleared, the strokes drawn with
Playwright mouse events, and the prediction the page shows is read. The canvas's own pixels
are read too, so each digit is also predicted offline from what the browser drew. Reported:
the browser's accuracy, its agreement with the offline path (prediction for prediction), and
how close the offline render is to the browser's pixels. `--upload FILE` first loads another
model through the Train page's uploader, as a user would.

    python -m benchmarks.bench_handdrawn [--model A.npz B.npz]             # offline, fast
    python -m benchmarks.bench_handdrawn --browser [--upload candidate.npz]
"""
from __future__ import annotations

import argparse
import platform
import time
from collections import Counter
from pathlib import Path

import numpy as np

from devtools.handdrawn import Drawn, load_set, render, replay
from devtools.paths import ROOT
from nn_core import MLP, load_model, prepare_drawing

DEFAULT = ROOT / "assets" / "default_model.npz"


def probabilities(model: MLP, canvas: np.ndarray) -> np.ndarray:
    steps = prepare_drawing(canvas)
    return np.full(10, np.nan) if steps is None else model.predict_proba(steps["x"][None, :])[0]


def predict(model: MLP, canvas: np.ndarray) -> int:
    p = probabilities(model, canvas)
    return -1 if np.isnan(p).any() else int(p.argmax())


def offline_predictions(model: MLP, drawn: list[Drawn]) -> list[int]:
    return [predict(model, render(d)) for d in drawn]


def report(title: str, drawn: list[Drawn], pred: list[int]) -> float:
    right = [p == d.digit for d, p in zip(drawn, pred)]
    acc = float(np.mean(right))
    per = {c: [r for d, r in zip(drawn, right) if d.digit == c] for c in range(10)}
    print(f"\n{title}: {sum(right)}/{len(drawn)} = {acc:.1%}")
    print("per digit: " + "  ".join(f"{c}: {sum(v)}/{len(v)}" for c, v in per.items()))
    misses = [f"{d.id} ({d.style}, brush {d.brush}) -> {p}" for d, p, r in zip(drawn, pred, right) if not r]
    if misses:
        print("misread: " + "; ".join(misses))
    return acc


def browser_run(drawn: list[Drawn], upload: Path | None) -> tuple[list[int], list[np.ndarray], int]:
    from devtools.browser import canvas_box, served_page, wait_idle
    shown, pixels, retries = [], [], 0
    with served_page() as (url, _, page):
        if upload:
            page.goto(url + "/train")
            wait_idle(page)
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
            page.get_by_test_id("stSidebar").get_by_text(upload.name).wait_for(timeout=20_000)
            page.get_by_role("link", name="Draw").click()
        else:
            page.goto(url + "/draw")
        wait_idle(page)
        canvas_box(page)
        for k, d in enumerate(drawn):
            digit, px, tries = replay(page, d, clear_first=k > 0)
            retries += tries
            shown.append(int(digit) if digit is not None else -1)
            pixels.append(px)
            print(f"  {d.id}: shown {shown[-1]}" + (f" (drawn {tries + 1} times)" if tries else ""), flush=True)
    return shown, pixels, retries


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, nargs="*", default=[DEFAULT], help="models to score offline")
    ap.add_argument("--browser", action="store_true", help="replay every digit in Chromium on the Draw page")
    ap.add_argument("--upload", type=Path, help="with --browser: load this model on the Train page first")
    args = ap.parse_args()
    drawn = sorted(load_set(), key=lambda d: (d.brush, d.id))  # fewer slider moves in the browser
    print(f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()} · Python {platform.python_version()} · "
          f"{len(drawn)} digits ({dict(sorted(Counter(d.digit for d in drawn).items()))})")
    if not args.browser:
        for path in args.model:
            model, _ = load_model(path)
            probs = np.array([probabilities(model, render(d)) for d in drawn])
            report(f"offline, {path.name} ({model!r})", drawn, list(probs.argmax(axis=1)))
            p_true = probs[np.arange(len(drawn)), [d.digit for d in drawn]]
            print(f"probability of the right digit: mean {p_true.mean():.3f}, lowest {p_true.min():.3f}")
        return
    path = args.upload or DEFAULT
    model, _ = load_model(path)
    shown, pixels, retries = browser_run(drawn, args.upload)
    offline = offline_predictions(model, drawn)
    from_browser_pixels = [predict(model, p) for p in pixels]
    report(f"browser, {path.name} ({model!r}), prediction shown on the Draw page", drawn, shown)
    report(f"offline render, {path.name}", drawn, offline)
    agree = sum(a == b for a, b in zip(shown, offline))
    same = sum(a == b for a, b in zip(shown, from_browser_pixels))
    print(f"\noffline render vs browser: the same prediction for {agree}/{len(drawn)} digits "
          f"({', '.join(f'{d.id} browser {a} offline {b}' for d, a, b in zip(drawn, shown, offline) if a != b) or 'all'})")
    print(f"the browser's own pixels through prepare_drawing offline: {same}/{len(drawn)} the same as shown")
    ious, inputs = [], []
    for d, px in zip(drawn, pixels):
        b, o = px[:, :, 0] > 127, render(d) > 127  # white ink on black: channel 0
        ious.append((b & o).sum() / max((b | o).sum(), 1))
        inputs.append(np.abs(prepare_drawing(px)["x"] - prepare_drawing(render(d))["x"]).mean())
    print(f"offline render vs browser canvas: ink IoU mean {np.mean(ious):.3f} (min {min(ious):.3f}); "
          f"network inputs differ by {np.mean(inputs):.4f} per pixel on average (max {max(inputs):.4f}; ink is 0..1)")
    print(f"digits drawn again because the page had not shown the whole drawing within 30 s: {retries}")


if __name__ == "__main__":
    main()
