"""The parts of single pages (or one family of pages), one folder each.

  shell/     what every page has: navigation, sidebar, projector mode, page style
  draw/      Draw: the canvas, the forward pass on screen, its questions
  backprop/  Backprop: the lesson's sections
  train/     Train: settings, Start/Pause, estimate, files, augmentation preview, questions
  inside/    Layer map, Units, Break it, Robustness: what each measures once per model
  compare/   Compare: kept runs side by side
Imports: ui/, session/, links/, server/, nn_core, and views/shell. A page's folder does not
import another page's folder, except what the boundary test lists.
Leaves out: the page scripts themselves (app_pages/) and drawing (ui/).
"""
