"""Teaching text and page furniture as HTML, for views that are sent as one st.html element.

A view redrawn on every interaction (Draw's layers, a slider's result) costs the browser per
element: each st.header, st.caption and st.markdown is its own React element, and Markdown
with HTML in it is parsed in the browser by a JavaScript Markdown parser. Written as plain
HTML into one st.html (the browser's own parser), the same words cost a fraction of that.

`md` turns the Markdown the teaching texts in assets/text use into HTML: paragraphs (a blank
line), **bold**, *italic* and `code`; everything else is text (escaped, so no markup from a
text file or a number can render). `heading` and `caption` look like st.header and st.caption
(assets/app.css: .nn-h2, .nn-caption).
Leaves out: links, lists, LaTeX and tables (st.markdown keeps those where a page needs them).
"""
from __future__ import annotations

import re
from html import escape

_INLINE = [(re.compile(r"\*\*(.+?)\*\*", re.S), r"<strong>\1</strong>"),
           (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", re.S), r"<em>\1</em>"),
           (re.compile(r"`([^`]+)`"), r"<code>\1</code>")]


def inline(text: str) -> str:
    """One paragraph's Markdown as HTML: escaped, with **bold**, *italic* and `code`; line breaks
    inside the paragraph become spaces (as Markdown reads them)."""
    out = escape(" ".join(text.split()), quote=False)
    for pattern, repl in _INLINE:
        out = pattern.sub(repl, out)
    return out


def md(text: str, cls: str = "") -> str:
    """Markdown paragraphs (separated by blank lines) as <p> elements."""
    attr = f' class="{cls}"' if cls else ""
    return "".join(f"<p{attr}>{inline(p)}</p>" for p in re.split(r"\n\s*\n", text.strip()) if p.strip())


def heading(text: str, level: int = 2) -> str:
    """A section heading like st.header (level 2) or st.subheader (level 3); plain text."""
    return f'<h{level} class="nn-h{level}">{escape(text)}</h{level}>'


def caption(text: str) -> str:
    """Small grey text under a chart, like st.caption (Markdown as `md`)."""
    return md(text, "nn-caption")
