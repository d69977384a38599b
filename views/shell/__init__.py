"""What every page has: the navigation in the lesson's order, the sidebar, projector mode, the page style.

Leaves out: the page script (app_pages/) and drawing shared by several pages (ui/).
"""
