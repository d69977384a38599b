"""The Draw page's parts: the canvas, what a stroke changes and reruns, one example's forward
pass on screen, the preprocessing strip, its questions.

Leaves out: the page script (app_pages/) and drawing shared by several pages (ui/).
"""
