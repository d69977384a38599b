"""The Draw page's parts: the canvas, one example's forward pass on screen, its questions.

Leaves out: the page script (app_pages/) and drawing shared by several pages (ui/).
"""
