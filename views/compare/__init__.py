"""The Compare page's parts: kept runs side by side.

  pairs.py   the teaching pairs: a button each with its estimated time, the pair in training
             (progress, place in line, Cancel), its two runs chosen when it has ended

Leaves out: the page script (app_pages/) and drawing shared by several pages (ui/).
"""
