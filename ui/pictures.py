"""Static pictures for pages that should load fast: SVG and PNG, no JavaScript charting.

The Home page is the first thing a visitor (or a Community Cloud app waking up) renders;
drawing it without Plotly saves the browser ~2 s of loading Plotly's JavaScript. Weights
(first-layer templates) and Draw (the input, the most active units) use PNG pictures too:
a 128-unit mosaic is ~130 KB as a palette PNG, against ~1.7 MB as a Plotly heatmap with
hover text; the pointer read-out (ui/readout.py) names the unit and pixel from data
attributes instead. Every picture has alt text.
Leaves out: zoom and clicks (Plotly charts, ui/charts/); bar charts (ui/charts/svg.py).
"""
from __future__ import annotations

import base64
import io
import re
from functools import lru_cache
from html import escape

import numpy as np
import streamlit as st
from PIL import Image, ImageDraw, ImageFont

from ui import colors
from ui.charts.svg import svg_uri

LEVELS = 255  # colours of a diverging picture; palette index LEVELS is the white gutter


def architecture_svg(layer_sizes: tuple[int, ...], activation: str, max_nodes: int = 12) -> str:
    """Layers as columns of circles joined by faint lines; big layers show a few with a ⋮."""
    L = len(layer_sizes)
    width, height, top, bottom = 680, 360, 56, 276
    xs = np.linspace(90, width - 90, L)
    names = ["input X (pixels)"] + [f"hidden A{l} ({activation})" for l in range(1, L - 1)] + [f"output A{L - 1} (softmax)"]
    columns = []
    for n in layer_sizes:
        shown = min(n, max_nodes)
        if n > max_nodes:  # a gap in the middle for the ellipsis
            half = shown // 2
            ys = np.concatenate([np.linspace(top, 150, half), np.linspace(182, bottom, shown - half)])
        else:
            ys = np.linspace(top, bottom, shown) if shown > 1 else np.array([(top + bottom) / 2])
        columns.append(ys)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="Network diagram {"-".join(map(str, layer_sizes))}" '
             f'style="font-family: sans-serif; max-width: {width}px">']
    for i in range(L - 1):
        for y0 in columns[i]:
            for y1 in columns[i + 1]:
                parts.append(f'<line x1="{xs[i]:.1f}" y1="{y0:.1f}" x2="{xs[i + 1]:.1f}" y2="{y1:.1f}" '
                             f'stroke="{colors.DATA}" stroke-opacity="0.25" stroke-width="1"/>')
        parts.append(f'<text x="{(xs[i] + xs[i + 1]) / 2:.1f}" y="30" text-anchor="middle" font-size="14" '
                     f'fill="{colors.FAINT_TEXT}">W{i + 1}: {layer_sizes[i]}×{layer_sizes[i + 1]}</text>')
    for i, (n, ys) in enumerate(zip(layer_sizes, columns)):
        # layers are told apart by place and name, not colour (colours keep one meaning: ui/colors.py)
        fill = colors.PAPER if i == 0 else colors.DATA if i < L - 1 else colors.INK
        for y in ys:
            parts.append(f'<circle cx="{xs[i]:.1f}" cy="{y:.1f}" r="8" fill="{fill}" stroke="{colors.INK}" '
                         'stroke-width="1.5"/>')
        if n > max_nodes:
            parts.append(f'<text x="{xs[i]:.1f}" y="172" text-anchor="middle" font-size="22" fill="{colors.INK}">⋮</text>')
        parts.append(f'<text x="{xs[i]:.1f}" y="{bottom + 34}" text-anchor="middle" font-size="16" '
                     f'font-weight="bold" fill="{colors.INK}">{n}</text>')
        parts.append(f'<text x="{xs[i]:.1f}" y="{bottom + 54}" text-anchor="middle" font-size="13" '
                     f'fill="{colors.FAINT_TEXT}">{escape(names[i])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def digit_sheet(images: np.ndarray, labels: list[str], cols: int, scale: int = 4, gap: int = 2) -> Image.Image:
    """uint8 (n, 28, 28) digits as one PNG, white ink on black, each labelled in its corner in
    green (the true digit: labels are what a person wrote)."""
    n = len(images)
    rows = int(np.ceil(n / cols))
    cell = 28 * scale + gap
    sheet = Image.new("RGB", (cols * cell - gap, rows * cell - gap), colors.PAPER)
    font = ImageFont.load_default(size=9 * scale)
    draw = ImageDraw.Draw(sheet)
    for i, (img, text) in enumerate(zip(images, labels)):
        r, c = divmod(i, cols)
        tile = Image.fromarray(np.asarray(img, np.uint8)).resize((28 * scale, 28 * scale), Image.Resampling.NEAREST)
        sheet.paste(tile.convert("RGB"), (c * cell, r * cell))
        draw.text((c * cell + scale, r * cell), text, fill=colors.TRUE_ON_BLACK, font=font)
    return sheet


def grey(image: np.ndarray, size: int | None = 140, box: tuple[int, int, int, int] | None = None) -> Image.Image:
    """A [0, 1] grey array as a white-on-black picture whose longer side is `size` px
    (nearest-neighbour, so pixels stay visible), optionally with a bounding box (top, bottom,
    left, right) drawn on it. size None: at its own size, one grey byte a pixel (for the
    browser to enlarge: the smallest file)."""
    a = np.clip(np.nan_to_num(np.asarray(image, np.float64)), 0, 1)
    if size is None:
        return Image.fromarray(np.round(a * 255).astype(np.uint8), "L")
    h, w = a.shape
    img = Image.fromarray(np.round(a * 255).astype(np.uint8)).convert("RGB")
    s = size / max(h, w)
    out = img.resize((max(1, round(w * s)), max(1, round(h * s))), Image.Resampling.NEAREST)
    if box is not None:
        sy, sx = out.height / h, out.width / w
        top, bottom, left, right = box
        x0, y0 = left * sx, top * sy
        ImageDraw.Draw(out).rectangle([x0, y0, max(x0, right * sx - 1), max(y0, bottom * sy - 1)],
                                      outline=colors.FRAME_ON_BLACK, width=max(2, size // 70))
    return out


def digit_card(image: np.ndarray, probs: np.ndarray, true: int, scale: int = 4) -> Image.Image:
    """A test digit above its ten predicted probabilities: the true digit's bar and number green
    (TRUE), the (wrong) predicted digit's bar black (INK: the network's answer), the others light grey."""
    side = 28 * scale
    bar_h, label_h = 44, 14
    card = Image.new("RGB", (side, side + bar_h + label_h + 4), colors.PAPER)
    card.paste(Image.fromarray(np.asarray(image, np.uint8)).resize((side, side), Image.Resampling.NEAREST), (0, 0))
    draw = ImageDraw.Draw(card)
    font = ImageFont.load_default(size=11)
    pred = int(np.argmax(probs))
    w = side / 10
    base = side + 2 + bar_h
    for k, p in enumerate(np.asarray(probs, np.float64)):
        color = colors.TRUE if k == true else colors.INK if k == pred else colors.CONTEXT
        x0 = k * w + 1
        draw.rectangle([x0, base - max(1.0, p * bar_h), x0 + w - 3, base], fill=color)
        draw.text((x0 + w / 2 - 3, base + 1), str(k), fill=colors.TRUE if k == true else colors.INK, font=font)
    return card


def png_uri(image: Image.Image) -> str:
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def img_tag(image: Image.Image, alt: str, width: int | None = None, height: int | None = None, attrs: str = "") -> str:
    """An <img> with the PNG inline (a data: URI), shown at width x height px (default: its own
    size; small pictures are scaled up with crisp pixels). For pictures redrawn inside a
    fragment: st.image files are only released on a full rerun, so a fragment that redraws
    images on every stroke would keep every one of them on the server until the user leaves."""
    w, h = width or image.width, height or image.height
    return (f'<img src="{png_uri(image)}" alt="{escape(alt)}" width="{w}" height="{h}" {attrs}'
            f'style="width: {w}px; max-width: 100%; height: auto; aspect-ratio: {w} / {h}; object-fit: contain; image-rendering: pixelated">')


@lru_cache(maxsize=4)
def palette(levels: int = LEVELS) -> tuple[int, ...]:
    """The diverging scale (red negative, white zero, blue positive) in `levels` steps, then white
    for gutters."""
    return tuple(int(c) for c in colors.diverging_lut(levels).ravel()) + (255, 255, 255)


def diverging(z: np.ndarray, zmax: float, levels: int = LEVELS) -> Image.Image:
    """A 2-D array as a palette PNG on the diverging scale centred on 0, saturating at +-zmax; NaN is a white
    gutter. Fewer levels make a smaller file (the palette is 3 bytes a level)."""
    z = np.asarray(z, np.float64)
    q = np.clip(np.round((np.nan_to_num(z) / (zmax or 1.0) + 1) / 2 * (levels - 1)), 0, levels - 1).astype(np.uint8)
    q[np.isnan(z)] = levels
    img = Image.fromarray(q, "P")
    img.putpalette(list(palette(levels)))
    return img


def colorbar(zmax: float, label: str, width: int = 320) -> str:
    """A horizontal diverging colour bar from -zmax to +zmax with its label, as an SVG picture (<img>)."""
    stops = "".join(f'<stop offset="{t:.2f}" stop-color="{c}"/>' for t, c in colors.gradient_stops())
    ticks = "".join(f'<text x="{x}" y="48" text-anchor="{a}">{escape(t)}</text>' for x, a, t in
                    ((1, "start", f"−{zmax:.3g}"), (width / 2, "middle", "0"), (width - 1, "end", f"+{zmax:.3g}")))
    drawing = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 54" font-size="13" '
               f'font-family="Source Sans Pro, Helvetica, Arial, sans-serif" fill="{colors.INK}"><defs>'
               f'<linearGradient id="g">{stops}</linearGradient></defs><text x="0" y="13">{escape(label)}</text>'
               f'<rect x="0.5" y="19" width="{width - 1}" height="14" fill="url(#g)" stroke="{colors.EDGE}"/>{ticks}</svg>')
    return (f'<img src="{svg_uri(drawing)}" width="{width}" height="54" style="width:{width}px;max-width:100%;'
            f'height:auto;display:block" alt="Colour scale: {escape(label)} from red (−{zmax:.3g}) through white (0) '
            f'to blue (+{zmax:.3g})">')


def mosaic(W: np.ndarray, cols: int, zmax: float, first_unit: int = 0, gap: int = 1,
           alt: str = "", width: int | None = None) -> str:
    """Columns of W (784, H) as H 28x28 tiles in ONE palette PNG (units row by row, white
    gutters), shown at `width` px with the pointer read-out naming unit and pixel."""
    H = W.shape[1]
    rows = int(np.ceil(H / cols))
    step = 28 + gap
    z = np.full((rows * step - gap, cols * step - gap), np.nan)
    for i in range(H):
        r, c = divmod(i, cols)
        z[r * step:r * step + 28, c * step:c * step + 28] = np.asarray(W[:, i], np.float64).reshape(28, 28)
    img = diverging(z, zmax)
    width = width or img.width * 3
    height = round(width * img.height / img.width)
    attrs = (f'data-readout="tiles" data-tiles="{cols} {rows} 28 {gap} {first_unit}" data-units="{H}" '
             'class="nn-mosaic" ')
    return img_tag(img, alt or f"Units {first_unit} to {first_unit + H - 1} as 28×28 pictures, {cols} a row",
                   width, height, attrs)


def pixels(image: np.ndarray, size: int, alt: str, name: str = "x") -> str:
    """A [0, 1] grey picture (e.g. the 28x28 input) at its own resolution, shown size px wide
    with crisp pixels; the read-out gives each pixel's index in the flattened input and value."""
    a = np.clip(np.nan_to_num(np.asarray(image, np.float64)), 0, 1)
    rows, cols = a.shape
    values = " ".join("0" if v == 0 else f"{v:.3f}" for v in a.ravel())
    img = Image.fromarray(np.round(a * 255).astype(np.uint8), "L")
    attrs = f'data-readout="pixels" data-grid="{rows} {cols}" data-name="{escape(name)}" data-values="{values}" '
    return img_tag(img, alt, size, round(size * rows / cols), attrs)


def captioned_row(items: list[tuple[Image.Image, tuple[int, int] | None, str, str]]) -> str:
    """Pictures in a row that wraps on a narrow screen, each (image, shown size or None, title,
    caption) as a figure: the title above it (also its alt text), the caption below, plain text."""
    figures = "".join(f'<figure class="nn-step"><div class="nn-step-title">{escape(title)}</div>'
                      f'{img_tag(img, title, *(size or (None, None)))}<figcaption>{escape(caption)}</figcaption></figure>'
                      for img, size, title, caption in items)
    return f'<div class="nn-steps">{figures}</div>'


def html(markup: str, flow: bool = False) -> None:
    """Markup from ui/charts/svg.py, ui/pictures.py or ui/markup.py (ours, never user text) on the
    page. As st.html: the browser's own parser reads it (st.markdown's parser cost ~10x more per
    stroke). flow: a whole view (headings, charts, captions), its parts spaced like elements."""
    st.html(f'<div class="nn-light{" nn-flow" if flow else ""}">{markup}</div>')


def _swatch(kind: tuple) -> str:
    """A 44 x 18 picture of one legend entry's colours (colors.LEGEND), as an SVG <img>."""
    body = []
    if kind[0] == "bars":
        w = 36 / len(kind[1])
        body = [f'<rect x="{4 + i * w:.1f}" y="{3 if i % 2 else 1}" width="{w - 3:.1f}" height="{15 if i % 2 else 17}" '
                f'fill="{c}"/>' for i, c in enumerate(kind[1])]
    elif kind[0] == "scale":
        stops = "".join(f'<stop offset="{t:.2f}" stop-color="{c}"/>' for t, c in colors.gradient_stops())
        body = [f'<defs><linearGradient id="nn-legend-scale">{stops}</linearGradient></defs>',
                f'<rect x="2" y="4" width="40" height="10" fill="url(#nn-legend-scale)" stroke="{colors.EDGE}"/>']
    elif kind[0] == "lines":
        for i, (c, dash, marker) in enumerate(kind[1]):
            y = 5 + 8 * i
            body.append(f'<line x1="2" x2="42" y1="{y}" y2="{y}" stroke="{c}" stroke-width="2.5"'
                        + (' stroke-dasharray="6 3"' if dash == "dash" else "") + "/>")
            if marker:
                body.append(f'<circle cx="22" cy="{y}" r="3" fill="{c}"/>')
    elif kind[0] == "patterns":
        body.append(f'<defs><pattern id="nn-legend-hatch" width="4" height="4" patternUnits="userSpaceOnUse" '
                    f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="4" stroke="{kind[1][1][0]}" '
                    'stroke-width="2"/></pattern></defs>')
        body.append(f'<rect x="6" y="2" width="14" height="16" fill="{kind[1][0][0]}"/>')
        body.append(f'<rect x="24" y="2" width="14" height="16" fill="url(#nn-legend-hatch)" stroke="{kind[1][1][0]}"/>')
    elif kind[0] == "symbols":
        shapes = {"circle": '<circle cx="{x}" cy="9" r="5" fill="{c}"/>',
                  "square": '<rect x="{x0}" y="4" width="10" height="10" fill="{c}"/>',
                  "diamond": '<path d="M{x} 3 L{x1} 9 L{x} 15 L{x0} 9 z" fill="{c}"/>'}
        for i, (c, shape) in enumerate(kind[1]):
            x = 8 + 14 * i
            body.append(shapes[shape].format(x=x, x0=x - 5, x1=x + 5, c=c))
    drawing = f'<svg xmlns="http://www.w3.org/2000/svg" width="44" height="18" viewBox="0 0 44 18">{"".join(body)}</svg>'
    # an <img> (st.html drops inline SVG); hidden from screen readers: the words beside it say it all
    return (f'<img src="{svg_uri(drawing)}" alt="colour sample" aria-hidden="true" width="44" height="18" '
            'style="flex:none;margin-top:3px">')



def colour_legend(words: list[str]) -> str:
    """What each colour means (colors.LEGEND), one row each: its swatch and its words (Markdown
    bold ** ** allowed: ours, from assets/text). Shown once, on Home."""
    rows = []
    for (_, kind), text in zip(colors.LEGEND, words):
        html_text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escape(text))
        rows.append(f'<li style="display:flex;gap:10px;align-items:flex-start;margin:0 0 6px">{_swatch(kind)}'
                    f'<span>{html_text}</span></li>')
    return f'<ul class="nn-colour-legend" style="list-style:none;padding:0;margin:0">{"".join(rows)}</ul>'
