"""The Train page's parts: settings and their widgets, Start/Pause/Resume/Reset and the tick, the run's time estimate, model files, the augmentation preview, the questions.

Leaves out: the page script (app_pages/) and drawing shared by several pages (ui/).
"""
