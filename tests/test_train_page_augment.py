"""The Train page's "Augmentation and dropout" section in AppTest: a widget per setting with
help, closed and off by default, opened by a preset or link that augments; the preview
strip follows the settings (cached by them), and a run trains with what the widgets say."""
import io

import numpy as np
import pytest
from PIL import Image

import views.train.training
from devtools.apptest import button, fresh
from nn_core import PRESETS
from nn_core.augment.distort import Augment
from views.train.augment_preview import BAND_GAP, DRAWS, GAP, N_DIGITS, PER_BAND, SCALE, preview_png

KEYS = ("shift", "rotate", "scale", "elastic", "sigma", "thickness", "dropout")


def _train_page(query=None):
    at = fresh(query)
    at.switch_page("app_pages/train.py").run()
    assert not at.exception, at.exception
    return at


def _section(at):
    return next(e for e in at.expander if e.label == "Augmentation and dropout")


def test_the_section_has_a_widget_with_help_for_each_setting_all_off():
    at = _train_page()
    section = _section(at)
    assert not section.proto.expanded
    sliders = {s.key: s for s in section.select_slider}
    assert set(sliders) == set(KEYS)
    for key, s in sliders.items():
        assert s.help and s.label, key
    assert all(sliders[k].value == 0 for k in KEYS if k != "sigma") and sliders["sigma"].value == 4
    assert not section.image  # nothing to preview: a note says the images are used as stored
    assert "as stored" in " ".join(c.value for c in section.caption)


def test_the_augmented_preset_opens_the_section_and_shows_the_preview():
    at = _train_page({"preset": "augmented"})
    section = _section(at)
    c = PRESETS["augmented"].config
    assert section.proto.expanded
    assert at.select_slider(key="rotate").value == c.rotate and at.select_slider(key="elastic").value == c.elastic
    assert len(section.image) == 1
    caption = " ".join(x.value for x in section.caption)
    assert "rotate ±10°" in caption and "first eight training images" in caption


def test_a_link_sets_augmentation_and_bad_values_are_explained():
    at = _train_page({"rotate": "15", "dropout": "0.2", "thickness": "7"})
    assert at.select_slider(key="rotate").value == 15 and at.select_slider(key="dropout").value == 0.2
    assert at.select_slider(key="thickness").value == 1  # clamped to the largest offered
    assert any("thickness" in w.value for w in at.warning)


def test_the_preview_is_the_trainers_augmentation_of_the_first_training_digits(mnist):
    aug = Augment(shift=2, rotate=10)
    png = preview_png((2.0, 10.0, 0.0, 0.0, 4.0, 0.0), 0)
    img = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    cell, side = 28 * SCALE + GAP, 28 * SCALE
    band = (1 + DRAWS) * cell - GAP + BAND_GAP
    assert img.shape == (2 * band - BAND_GAP, PER_BAND * cell - GAP) and N_DIGITS == 2 * PER_BAND
    stored = mnist.x_train[:N_DIGITS]
    drawn = [aug(stored, rng) for rng in [np.random.default_rng([0, 7])] for _ in range(DRAWS)]
    for i in range(N_DIGITS):
        b, c = divmod(i, PER_BAND)
        def at(r):
            return img[b * band + r * cell:b * band + r * cell + side:SCALE, c * cell:c * cell + side:SCALE]
        np.testing.assert_array_equal(at(0), stored[i])  # as stored
        for r, d in enumerate(drawn, start=1):  # each draw, as the trainer's Augment makes it
            np.testing.assert_allclose(at(r) / 255, d[i].reshape(28, 28), atol=0.5 / 255 + 1e-6)
    assert png == preview_png((2.0, 10.0, 0.0, 0.0, 4.0, 0.0), 0)  # same settings, same picture
    assert png != preview_png((2.0, 10.0, 0.0, 0.0, 4.0, 0.0), 1)  # the next draw
    assert len(png) < 40_000  # a light picture


def test_new_draws_asks_for_the_next_draw():
    at = _train_page({"preset": "augmented"})
    draw = at.session_state["train.preview_draw"]
    button(at, "New draws").click().run()
    assert at.session_state["train.preview_draw"] == draw + 1 and not at.exception
    assert len(_section(at).image) == 1


def test_start_trains_with_the_sections_settings(monkeypatch):
    monkeypatch.setattr(views.train.training, "BACKGROUND", False)
    monkeypatch.setattr(views.train.training, "CHUNK_SECONDS", 0.0)
    at = _train_page()
    at.text_input(key="hidden").set_value("16")
    at.select_slider(key="n_train").set_value(1000)
    at.select_slider(key="rotate").set_value(10)
    at.select_slider(key="dropout").set_value(0.2)
    at.run()
    button(at, "Start").click().run()
    t = at.session_state["train.trainer"]
    assert t.config.rotate == 10 and t.config.dropout == 0.2 and t.config.shift == 0
    assert len(_section(at).image) == 1


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_shows_exactly_in_the_widgets(name):
    """Choosing a preset on the page trains the preset: no setting moves to a nearby step."""
    from links.controls import config_from_widgets, widget_values
    from server.limits import Limits
    c = PRESETS[name].config
    assert config_from_widgets(widget_values(c, Limits()), c, Limits()) == c
