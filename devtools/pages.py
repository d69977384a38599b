"""The app's pages as tests and benchmarks see them: the one page list is views/shell/nav.py's
LESSON (script, navigation title, URL); a page's heading (its st.title) is read from its script.

    from devtools.pages import LESSON, HEADINGS, heading, url_path
    for p in LESSON: page.goto(server + url_path(p)); page.get_by_text(heading(p))
"""
from __future__ import annotations

import ast
from functools import cache

from devtools.paths import ROOT
from views.shell.nav import LESSON, SHOWN, Lesson, by_url

__all__ = ["LESSON", "SHOWN", "HEADINGS", "Lesson", "by_title", "by_url", "heading", "url_path"]


@cache
def heading(page: Lesson) -> str:
    """The text of the page's st.title(...) call (its first argument, a string in the script)."""
    tree = ast.parse((ROOT / page.script).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "title" \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "st" and node.args \
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            return node.args[0].value
    raise LookupError(f"{page.script} has no st.title(\"...\")")


def url_path(page: Lesson) -> str:
    """The page's path in a URL: "/" for Home, "/draw" for Draw."""
    return "/" + page.url


def by_title(title: str) -> Lesson:
    """The page whose navigation title is `title` (e.g. "Break it")."""
    return next(p for p in LESSON if p.title == title)


HEADINGS = {url_path(p): heading(p) for p in LESSON}  # "/draw" -> "Your digit, through the network", ...
