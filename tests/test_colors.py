"""The one colour module (ui/colors.py): colours that must be told apart stay apart for
colour-blind readers, marks and text are readable on a projector, every colour a page draws
comes from it, and Home shows what each one means."""
import re
import tomllib
from urllib.parse import unquote

import numpy as np
import pytest

from devtools.apptest import on_page
from devtools.paths import ROOT
from ui import colors, pictures, text

# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB
CVD = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
APART_DELTA_E = 20  # CIE76 distance; ~2.3 is just noticeable, 20+ reads as a different colour at a glance


def linear(hex_color: str) -> np.ndarray:
    c = np.array(colors.rgb(hex_color)) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(rgb_linear: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ np.clip(rgb_linear, 0, 1)
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > 216 / 24389, np.cbrt(t), (24389 / 27 * t + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, vision: str) -> float:
    return float(np.linalg.norm(lab(CVD[vision] @ linear(a)) - lab(CVD[vision] @ linear(b))))


def contrast(a: str, b: str = "#FFFFFF") -> float:
    la, lb = sorted(float(linear(c) @ [0.2126, 0.7152, 0.0722]) for c in (a, b))
    return (lb + 0.05) / (la + 0.05)


def test_the_checks_themselves_tell_known_pairs_apart():
    """Red and green merge for a deuteranope; blue and orange never do; black on white is 21:1."""
    assert delta_e("#D55E00", "#009E73", "normal") > 90 and delta_e("#CC79A7", "#44AA99", "deuteranopia") < 10
    assert min(delta_e("#0072B2", "#E69F00", v) for v in CVD) > 70
    assert contrast("#000000") == pytest.approx(21) and contrast("#767676") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("vision", list(CVD))
def test_colours_that_must_be_told_apart_stay_apart(vision):
    close = [(a, b, round(delta_e(a, b, vision))) for a, b in colors.APART if delta_e(a, b, vision) < APART_DELTA_E]
    assert close == []


def test_marks_and_text_are_readable_on_a_projector():
    assert [c for c in colors.MARKS if contrast(c) < 3] == []       # lines, bars, markers: WCAG non-text 3:1
    assert [c for c in colors.TEXTS if contrast(c) < 4.5] == []     # text: 4.5:1
    assert contrast(colors.TRUE_ON_BLACK, colors.CANVAS_BG) >= 4.5  # a label on a black digit
    assert contrast(colors.INK, colors.SELECTED_BG) >= 4.5 and contrast(colors.INK, colors.TRUE_BG) >= 4.5


def test_blue_and_red_are_the_diverging_scale_and_mean_its_sign():
    assert colors.POSITIVE in colors.RDBU[6:] and colors.NEGATIVE in colors.RDBU[:5]
    lut = colors.diverging_lut(255)
    assert lut[0][0] > lut[0][2] and lut[-1][2] > lut[-1][0] and lut[127].min() > 240  # red, white, blue
    rgb = colors.diverging_rgb(np.array([-2.0, 0.0, 2.0]), vmax=1.0)
    np.testing.assert_array_equal(rgb, colors.diverging_lut()[[0, 128, 255]])  # saturates at ±vmax
    assert colors.bar_colors([1.0, -1.0, 0.0], signed=True) == [colors.POSITIVE, colors.NEGATIVE, colors.POSITIVE]
    # unsigned values are never blue or red, whatever is marked on them
    unsigned = colors.bar_colors(np.arange(10), marked=[3], selected=[5], true=[7])
    assert {colors.POSITIVE, colors.NEGATIVE}.isdisjoint(unsigned)
    assert (unsigned[3], unsigned[5], unsigned[7], unsigned[0]) == (colors.INK, colors.SELECTED, colors.TRUE, colors.CONTEXT)


def test_css_takes_its_colours_from_the_colour_module():
    defined = set(re.findall(r"(--nn-[a-z-]+):", colors.css_variables()))
    for css in (ROOT / "assets").glob("*.css"):
        body = re.sub(r"/\*.*?\*/", "", css.read_text(), flags=re.S)  # comments may quote colours
        assert re.findall(r"#[0-9a-fA-F]{3,6}\b|rgba?\(", body) == [], css.name
        assert set(re.findall(r"var\((--nn-[a-z-]+)\)", body)) <= defined, css.name
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    assert theme["primaryColor"] == colors.CONTROL  # controls: what you operate, never a number


def test_every_legend_entry_has_its_words_and_a_swatch():
    words = [text.section("home", part) for part, _ in colors.LEGEND]
    html = unquote(pictures.colour_legend(words))  # swatches are SVG data: URIs
    assert html.count("<li ") == len(colors.LEGEND) == len(words) and "<script" not in html
    for _, kind in colors.LEGEND:
        for c in re.findall(r"#[0-9A-F]{6}", str(kind)):
            assert c in html  # each swatch draws the colours it names


def test_home_shows_the_colour_legend_once():
    at = on_page("app_pages/home.py")
    legends = [h for h in at.get("html") if "nn-colour-legend" in h.proto.body]
    assert len(legends) == 1
    assert "How to read the colours" in [h.value for h in at.header]
    body = legends[0].proto.body
    assert "Orange: the one you selected" in body and "Blue and red: a sign, and nothing else." in body
