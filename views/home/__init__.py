"""Home's parts: questions.py, its predict-first question (how many numbers training adjusts),
from the shown model's layer sizes.

Leaves out: the page script (app_pages/home.py) and drawing shared by several pages (ui/).
"""
