"""The light charts and pictures Draw and Weights send on every stroke or visit: they draw the
numbers they are given, say them in their text alternatives, and stay small."""
import base64
import io
import re
from html import unescape
from urllib.parse import unquote

import numpy as np
import pytest
from PIL import Image

from ui import colors, pictures
from ui.charts import svg
from ui.colors import NEGATIVE as NEG
from ui.colors import POSITIVE as POS
from ui.colors import SELECTED
from ui.numbers import percent


def drawing(chart: str) -> str:
    """The SVG document inside a chart's <img> data: URI."""
    return unquote(re.search(r'src="data:image/svg\+xml,([^"]*)"', chart).group(1))


def bar_heights(chart: str) -> dict[str, list[float]]:
    """Colour -> the height of each bar of that colour, from the chart's paths."""
    out = {}
    for color, d in re.findall(r"<path fill='([^']+)' d='([^']+)'/>", drawing(chart)):
        out[color] = [float(v) for v in re.findall(r"v(-?[\d.]+)h", d)]
    return out


@pytest.mark.parametrize("lo, hi", [(0, 1), (-3.7, 12.2), (-26.6, 0), (1e-9, 3e-9), (0.5, 0.5004)])
def test_nice_ticks_cover_the_range_in_round_steps(lo, hi):
    ticks = svg.nice_ticks(lo, hi)
    assert len(ticks) >= 2 and lo - 1e-12 <= ticks[0] and ticks[-1] <= hi + 1e-12
    steps = np.diff(ticks)
    assert np.allclose(steps, steps[0])
    mantissa = steps[0] / 10 ** np.floor(np.log10(steps[0]))
    assert any(np.isclose(mantissa, m) for m in (1, 2, 5, 10))


def test_a_bar_chart_draws_its_values_by_sign_and_carries_them_for_the_read_out():
    v = np.array([0.5, -1.0, 0.25, 0.0, -0.125], np.float32)
    chart = svg.bars(v, "Z1: sums", "unit", "Z1", diverging=True, selected=[2], name="Z1", summary="2 positive.")
    heights = bar_heights(chart)
    assert sorted(heights) == sorted({POS, NEG, SELECTED})
    assert len(heights[POS]) == 1 and len(heights[NEG]) == 2 and len(heights[SELECTED]) == 1  # 0.0: no bar
    # heights are proportional to |value|: 1.0 is twice 0.5, eight times 0.125
    assert max(heights[NEG]) == pytest.approx(2 * max(heights[POS]), rel=0.02)
    assert max(heights[NEG]) == pytest.approx(8 * min(heights[NEG]), rel=0.05)
    values = re.search(r'data-values="([^"]*)"', chart).group(1).split()
    np.testing.assert_allclose([float(x) for x in values], v)
    assert 'alt="Z1: sums. 2 positive."' in chart and '<div class="nn-chart-title">Z1: sums</div>' in chart
    assert '"' not in drawing(chart)  # attributes single-quoted: the URI sits in a double-quoted attribute


def test_value_labels_skip_bars_too_short_to_see_and_categories_are_all_labelled():
    p = np.array([0.97, 0.02, 0.001] + [0.009 / 7] * 7)
    chart = svg.bars(p, "P", "digit", "probability", labels=[str(i) for i in range(10)], y_range=(0, 1.12),
                     value_labels=[percent(x, 2) for x in p], item="digit")
    text = drawing(chart)
    assert "97.0 %" in text and "2.0 %" in text and "0.10 %" not in text  # 0.001 is < 1 % of the axis
    assert all(f">{d}</text>" in text for d in range(10))
    assert 'data-labels="0 1 2 3 4 5 6 7 8 9"' in chart


def test_a_hidden_table_says_the_numbers_as_plain_text():
    t = svg.table("Probability of each digit", ["digit", "probability"], [["0", "<1%"], ["1", "99%"]])
    assert t.startswith('<div class="nn-sr-only"><table><caption>Probability of each digit</caption>')
    assert "<td>&lt;1%</td>" in t and t.count("<tr>") == 3
    assert not svg.table("c", ["a"], [["1"]], hidden=False).startswith("<div")


def test_the_probabilities_chart_marks_the_answer_black_and_the_true_digit_green():
    p = np.array([0.02, 0.9, 0.08] + [0.0] * 7)
    heights = bar_heights(svg.bars(p, "P", "digit", "probability", labels=[str(i) for i in range(10)], marked=1, true=2))
    assert set(heights) == {colors.INK, colors.TRUE, colors.CONTEXT}  # the rest light grey beside the green
    assert len(heights[colors.INK]) == len(heights[colors.TRUE]) == 1


def test_the_diverging_palette_runs_red_white_blue_and_a_mosaic_keeps_every_weight_in_its_tile(rng):
    pal = np.array(pictures.palette()).reshape(-1, 3)
    assert pal[0][0] > pal[0][2] and pal[pictures.LEVELS - 1][2] > pal[pictures.LEVELS - 1][0]  # red ... blue
    assert pal[pictures.LEVELS // 2].min() > 240 and tuple(pal[-1]) == (255, 255, 255)  # white middle, white gutter
    W = rng.normal(0, 0.1, (784, 10)).astype(np.float32)
    tag = pictures.mosaic(W, cols=4, zmax=0.3, first_unit=20)
    img = Image.open(io.BytesIO(base64.b64decode(re.search(r"base64,([^\"]+)", tag).group(1))))
    q = np.asarray(img)
    assert q.shape == (3 * 29 - 1, 4 * 29 - 1) and img.mode == "P"
    r, c = divmod(6, 4)  # unit 26 is the 7th tile
    expected = np.clip(np.round((W[:, 6] / 0.3 + 1) / 2 * 254), 0, 254).reshape(28, 28)
    assert np.array_equal(q[r * 29:r * 29 + 28, c * 29:c * 29 + 28], expected)
    assert (q[28, :] == pictures.LEVELS).all() and (q[58:, 2 * 29:] == pictures.LEVELS).all()  # gutters, empty cells
    assert 'data-tiles="4 3 28 1 20"' in tag and 'data-units="10"' in tag and "Units 20 to 29" in tag


def test_the_input_picture_is_28x28_with_every_pixel_value_for_the_read_out():
    x = np.zeros((28, 28))
    x[3, 5], x[27, 27] = 0.5, 1.0
    tag = pictures.pixels(x, 224, "the input")
    values = re.search(r'data-values="([^"]*)"', tag).group(1).split()
    assert len(values) == 784 and values[3 * 28 + 5] == "0.500" and values[-1] == "1.000" and values[0] == "0"
    img = Image.open(io.BytesIO(base64.b64decode(re.search(r"base64,([^\"]+)", tag).group(1))))
    assert img.size == (28, 28) and 'width="224"' in tag and 'alt="the input"' in tag


def test_a_colour_bar_names_its_ends():
    tag = pictures.colorbar(0.42, "weight W1")
    assert 'alt="Colour scale: weight W1 from red (−0.42) through white (0) to blue (+0.42)"' in tag
    assert "−0.42" in unescape(unquote(tag)) and "url(%23g)" in tag
