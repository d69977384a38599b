"""The teacher's view of a class (app_pages/teacher.py, opened only by the teacher's own link):

  board.py   the teacher link read and checked, the class's links, and the live board: how
             the class answered each lesson question so far, a bar per choice, refreshed every
             few seconds, ready for a projector

Leaves out: counting the answers (server/poll.py, views/shell/answers.py) and making the links
(links/classroom.py, views/train/share.py).
"""
