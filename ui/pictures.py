"""Static pictures for pages that should load fast: SVG and PNG, no JavaScript charting.

The Home page is the first thing a visitor (or a Community Cloud app waking up) renders;
drawing it without Plotly saves the browser ~2 s of loading Plotly's JavaScript.
Leaves out: anything interactive (hover, zoom, clicks): those are Plotly charts (ui/charts/).
"""
from __future__ import annotations

import base64
import io
from html import escape

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .charts import OKABE_ITO


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
                             'stroke="#888" stroke-opacity="0.22" stroke-width="1"/>')
        parts.append(f'<text x="{(xs[i] + xs[i + 1]) / 2:.1f}" y="30" text-anchor="middle" font-size="14" '
                     f'fill="#444">W{i + 1}: {layer_sizes[i]}×{layer_sizes[i + 1]}</text>')
    for i, (n, ys) in enumerate(zip(layer_sizes, columns)):
        color = OKABE_ITO[0] if i == 0 else OKABE_ITO[1] if i < L - 1 else OKABE_ITO[2]
        for y in ys:
            parts.append(f'<circle cx="{xs[i]:.1f}" cy="{y:.1f}" r="8" fill="{color}" stroke="white"/>')
        if n > max_nodes:
            parts.append(f'<text x="{xs[i]:.1f}" y="172" text-anchor="middle" font-size="22" fill="#333">⋮</text>')
        parts.append(f'<text x="{xs[i]:.1f}" y="{bottom + 34}" text-anchor="middle" font-size="16" '
                     f'font-weight="bold" fill="#222">{n}</text>')
        parts.append(f'<text x="{xs[i]:.1f}" y="{bottom + 54}" text-anchor="middle" font-size="13" '
                     f'fill="#444">{escape(names[i])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def digit_sheet(images: np.ndarray, labels: list[str], cols: int, scale: int = 4, gap: int = 2) -> Image.Image:
    """uint8 (n, 28, 28) digits as one PNG, white ink on black, each labelled in its corner."""
    n = len(images)
    rows = int(np.ceil(n / cols))
    cell = 28 * scale + gap
    sheet = Image.new("RGB", (cols * cell - gap, rows * cell - gap), "white")
    font = ImageFont.load_default(size=9 * scale)
    draw = ImageDraw.Draw(sheet)
    for i, (img, text) in enumerate(zip(images, labels)):
        r, c = divmod(i, cols)
        tile = Image.fromarray(np.asarray(img, np.uint8)).resize((28 * scale, 28 * scale), Image.Resampling.NEAREST)
        sheet.paste(tile.convert("RGB"), (c * cell, r * cell))
        draw.text((c * cell + scale, r * cell), text, fill=OKABE_ITO[1], font=font)
    return sheet


def grey(image: np.ndarray, size: int = 140, box: tuple[int, int, int, int] | None = None) -> Image.Image:
    """A [0, 1] grey array as a white-on-black picture whose longer side is `size` px
    (nearest-neighbour, so pixels stay visible), optionally with a bounding box (top, bottom,
    left, right) drawn on it."""
    a = np.clip(np.nan_to_num(np.asarray(image, np.float64)), 0, 1)
    h, w = a.shape
    img = Image.fromarray(np.round(a * 255).astype(np.uint8)).convert("RGB")
    s = size / max(h, w)
    out = img.resize((max(1, round(w * s)), max(1, round(h * s))), Image.Resampling.NEAREST)
    if box is not None:
        sy, sx = out.height / h, out.width / w
        top, bottom, left, right = box
        x0, y0 = left * sx, top * sy
        ImageDraw.Draw(out).rectangle([x0, y0, max(x0, right * sx - 1), max(y0, bottom * sy - 1)],
                                      outline=OKABE_ITO[1], width=max(2, size // 70))
    return out


def digit_card(image: np.ndarray, probs: np.ndarray, true: int, scale: int = 4) -> Image.Image:
    """A test digit above its ten predicted probabilities: the true digit's bar bluish green,
    the (wrong) predicted digit's bar vermillion, the others grey. Okabe-Ito colours."""
    side = 28 * scale
    bar_h, label_h = 44, 14
    card = Image.new("RGB", (side, side + bar_h + label_h + 4), "white")
    card.paste(Image.fromarray(np.asarray(image, np.uint8)).resize((side, side), Image.Resampling.NEAREST), (0, 0))
    draw = ImageDraw.Draw(card)
    font = ImageFont.load_default(size=11)
    pred = int(np.argmax(probs))
    w = side / 10
    base = side + 2 + bar_h
    for k, p in enumerate(np.asarray(probs, np.float64)):
        color = OKABE_ITO[2] if k == true else OKABE_ITO[3] if k == pred else "#999999"
        x0 = k * w + 1
        draw.rectangle([x0, base - max(1.0, p * bar_h), x0 + w - 3, base], fill=color)
        draw.text((x0 + w / 2 - 3, base + 1), str(k), fill="#333333", font=font)
    return card


def img_tag(image: Image.Image, alt: str) -> str:
    """An <img> with the PNG inline (a data: URI). For pictures redrawn inside a fragment:
    st.image files are only released on a full rerun, so a fragment that redraws images on
    every stroke would keep every one of them on the server until the user leaves the page."""
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" alt="{escape(alt)}" width="{image.width}" '
            f'height="{image.height}" style="image-rendering: pixelated">')
