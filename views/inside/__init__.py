"""The pages that look inside (Layer map, Units, Break it, Robustness): what each measures, once per model, kept in the session.

Leaves out: the page script (app_pages/) and drawing shared by several pages (ui/).
"""
