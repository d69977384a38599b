"""What every page has: the navigation in the lesson's order, the sidebar, projector mode, the page style,
the note for Train settings in a link to another page (linknote.py), and the checks of widget
values a script may have sent (widgets.py).

Leaves out: the page script (app_pages/) and drawing shared by several pages (ui/).
"""
