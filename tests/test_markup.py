"""ui/markup.py: the teaching texts' Markdown as HTML for views sent as one st.html."""
from ui import markup, text


def test_paragraphs_bold_italic_and_code_and_nothing_else_renders():
    assert markup.md("A **784** row,\nread *row by row*: `x[0]`.\n\nThen <b>this</b> & that.") == (
        "<p>A <strong>784</strong> row, read <em>row by row</em>: <code>x[0]</code>.</p>"
        "<p>Then &lt;b&gt;this&lt;/b&gt; &amp; that.</p>")
    assert markup.inline("2 * 3 = 6 and x*y") == "2 * 3 = 6 and x*y"  # a lone star is text
    assert markup.caption("Small *words*.") == '<p class="nn-caption">Small <em>words</em>.</p>'
    assert markup.heading("Hidden layer 1: <128> units") == '<h2 class="nn-h2">Hidden layer 1: &lt;128&gt; units</h2>'


def test_the_draw_texts_shown_as_html_use_only_what_md_reads():
    """No links, lists, LaTeX or headings in the parts the views turn into HTML: they would show as text."""
    for part in ("Preprocessing", "Input", "Probabilities", "Probabilities labelled", "Layer", "Templates", "Output",
                 "Layer relu", "Layer leaky_relu", "Layer sigmoid", "Layer tanh"):
        words = text.section("draw", part)
        assert not any(mark in words for mark in ("](", "$", "\n- ", "\n* ", "\n#")), part
