"""The Compare page's parts: kept runs side by side.

Leaves out: the page script (app_pages/) and drawing shared by several pages (ui/).
"""
