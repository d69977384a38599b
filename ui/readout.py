"""Hover (and tap) read-outs for the light charts, computed in the browser.

The SVG bar charts (ui/charts/svg.py) and PNG pictures (ui/pictures.py) carry their numbers
as data attributes instead of one text per bar or pixel; this one script, installed once per
browser tab, turns the pointer position into "unit 17: Z1 = 0.234" or "x[407] = 0.827
(row 14, col 15)" and shows it next to the pointer. It is a convenience for the mouse and
the finger: the same key numbers are in each chart's text alternative (a hidden table).

  data-readout="bars"    data-values, data-width (of the drawing), data-plot="x0 x1" (the
                         bars' span in it), data-name, data-item, optional data-labels
  data-readout="pixels"  data-grid="rows cols", data-values (row by row), data-name
  data-readout="tiles"   data-tiles="cols rows tile gap first": a mosaic of tile x tile
                         pictures with gap-pixel gutters, numbered from `first`
Leaves out: anything the server must know (the read-out never sends a message).
"""
from __future__ import annotations

import streamlit as st

_SCRIPT = """<script>
(() => {
  if (window.__nnReadout) return;           // one per browser tab
  window.__nnReadout = true;
  const tip = document.createElement("div");
  tip.setAttribute("aria-hidden", "true");
  tip.style.cssText = "position:fixed;z-index:1000;pointer-events:none;display:none;padding:3px 7px;" +
    "border-radius:4px;background:var(--nn-ink);color:var(--nn-paper);font:13px/1.3 sans-serif;white-space:nowrap";
  document.body.appendChild(tip);
  const num = (s) => (s || "").split(" ");
  function text(el, e) {
    const r = el.getBoundingClientRect(), d = el.dataset;
    const fx = (e.clientX - r.left) / r.width, fy = (e.clientY - r.top) / r.height;
    if (d.readout === "bars") {
      const [x0, x1] = num(d.plot).map(Number), v = num(d.values);
      const i = Math.floor((fx * Number(d.width) - x0) / (x1 - x0) * v.length);
      if (i < 0 || i >= v.length) return null;
      const who = d.labels ? num(d.labels)[i] : `${d.item} ${i}`;
      return `${who}: ${d.name} = ${v[i].replace("-", "\u2212")}`;
    }
    if (d.readout === "pixels") {
      const [rows, cols] = num(d.grid).map(Number);
      const row = Math.floor(fy * rows), col = Math.floor(fx * cols), i = row * cols + col;
      if (row < 0 || col < 0 || row >= rows || col >= cols) return null;
      const v = d.values ? ` = ${num(d.values)[i]}` : "";
      return `${d.name}[${i}]${v} (row ${row}, col ${col})`;
    }
    if (d.readout === "tiles") {
      const [cols, rows, tile, gap, first] = num(d.tiles).map(Number), step = tile + gap;
      const px = fx * (cols * step - gap), py = fy * (rows * step - gap);
      const c = Math.floor(px / step), rr = Math.floor(py / step);
      const col = Math.floor(px - c * step), row = Math.floor(py - rr * step);
      if (c < 0 || rr < 0 || c >= cols || rr >= rows || col >= tile || row >= tile) return null;
      const unit = first + rr * cols + c;
      if (d.units && unit - first >= Number(d.units)) return null;
      return `unit ${unit}, pixel (row ${row}, col ${col})`;
    }
    return null;
  }
  function show(e) {
    const el = e.target.closest && e.target.closest("[data-readout]");
    const t = el ? text(el, e) : null;
    if (!t) { tip.style.display = "none"; return; }
    tip.textContent = t;
    tip.style.display = "block";
    const w = tip.offsetWidth, x = e.clientX + 14 + w > innerWidth ? e.clientX - 14 - w : e.clientX + 14;
    tip.style.left = Math.max(2, x) + "px";
    tip.style.top = Math.max(2, e.clientY - 34) + "px";
  }
  document.addEventListener("pointermove", show, {passive: true});
  document.addEventListener("pointerdown", show, {passive: true});
  document.addEventListener("scroll", () => { tip.style.display = "none"; }, {capture: true, passive: true});
})();
</script>"""


def enable() -> None:
    """Install the read-out script (a page calls this once; later calls do nothing in the browser)."""
    st.html(_SCRIPT, unsafe_allow_javascript=True)
