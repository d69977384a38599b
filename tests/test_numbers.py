"""Numbers as the Backprop page prints them: three significant digits; nothing that is not an
integer reads as one (0.99991 is never "1"); 100 % only for exactly 1; a before, an after
and their change always add up as printed: the change is the printed after minus the printed
before, digit for digit, and the true change rounded; the parts of a sum, as printed, add up to
its total as printed."""
import math

import numpy as np
import pytest

from devtools.shown import close, differs, exact, half_ulp, last_place, number, sums_to
from ui.numbers import adding_up, change, percent, prob, sig


def test_three_significant_digits_with_their_zeros():
    assert [sig(v) for v in (0.123456, -12.5, 0.5, 0.0012345, 12345.6)] == ["0.123", "−12.5", "0.500", "0.00123", "12346"]
    assert sig(2.4e-6) == "2.40e−6" and sig(2.4e-6, tex=True) == r"2.40\text{e-}6"
    assert sig(0) == "0" and sig(1.0) == "1" and sig(-3.0) == "−3"  # exact integers stay exact


@pytest.mark.parametrize("v", [0.99991, 0.9996, 1.0004, 2.9996, -0.99998, 9.99951])
def test_nothing_reads_as_an_integer_it_is_not(v):
    s = sig(v)
    assert float(s.replace("−", "-")) != round(v), s
    assert close(s, v)


def test_probabilities_show_how_far_they_are_from_one():
    assert prob(0.394) == "0.394" and prob(0.9999104) == "0.9999104" and prob(1.0) == "1" and prob(0.0) == "0"
    assert prob(2.1e-5) == "2.10e−5"
    p = 0.99672985
    assert abs((1 - number(prob(p))) - (1 - p)) / (1 - p) < 5e-3  # 1 - p to 3 significant digits


def test_percent_is_100_only_for_one():
    assert percent(1.0) == "100 %" and percent(0.394) == "39.4 %"
    for p in (0.9999, 0.99999, 0.999999, 0.99999994):
        assert percent(p) != "100 %" and not percent(p).startswith("100"), percent(p)


def _percent_value(s: str) -> float:
    return number(s.removesuffix(" %").removeprefix("> "))


EDGES = [0.0, 1.0, 0.5, 0.995, 0.996, 0.9995, 0.99999994, 1 - 1e-9, 1 - 1e-12, 1 - 1e-13, 1 - 1e-15,
         float(np.nextafter(1.0, 0.0)), 0.005, 0.004, 5e-5, 5e-6, 1e-12, 5e-324, float(np.float32(1) - np.float32(6e-8))]


@pytest.mark.parametrize("digits", [2, 3])
@pytest.mark.parametrize("p", EDGES)
def test_percent_says_0_and_100_only_when_exact_and_stays_close(p, digits):
    """The one probability formatter: "100 %" only for exactly 1 and "0 %" only for exactly 0,
    however close p gets (a confident mistake at 0.996 printed as "100%" with :.0%), and the
    printed value is p to the digits shown."""
    s = percent(p, digits)
    assert s.endswith(" %")
    if p in (0.0, 1.0):
        assert s == ("0 %" if p == 0 else "100 %")
        return
    v = _percent_value(s)
    assert 0 < v < 100, (p, s)
    assert s not in ("0 %", "100 %") and not s.startswith(("100.", "0.000 ")) and s != "100.0 %"
    assert abs(v - 100 * p) <= max(1e-9, 100 * min(p, 1 - p) * 0.06), (p, s)  # within its shown precision


def test_percent_of_many_random_probabilities_and_their_complements():
    rng = np.random.default_rng(0)
    for p in np.concatenate([rng.random(3000), 1 - rng.random(3000) ** 8, rng.random(3000) ** 8]):
        s = percent(float(p))
        if p not in (0.0, 1.0):
            assert 0 < _percent_value(s) < 100, (p, s)


def test_prob_says_0_and_1_only_when_exact():
    for p in EDGES:
        s = prob(p)
        if p in (0.0, 1.0):
            assert s == str(int(p))
        else:
            assert 0 < number(s.removeprefix("> ")) < 1 and s not in ("0", "1"), (p, s)


def test_before_after_and_change_add_up_as_printed():
    rng = np.random.default_rng(0)
    for _ in range(2000):
        kind = rng.integers(3)
        if kind == 0:  # probabilities, in percent
            b, a = rng.random(2) ** rng.integers(1, 12, 2)
            shown = change(b, a, 100, probability=True)
        elif kind == 1:  # logits
            b = rng.normal() * 10
            a = b + rng.normal() * 10.0 ** -rng.integers(0, 6)
            shown = change(b, a)
        else:  # a weight and its tiny update
            b = rng.normal() * 0.1
            a = b - 0.001 * rng.normal()
            shown = change(b, a)
        before, after, delta = shown
        scale = 100 if kind == 0 else 1
        if delta.startswith("≈"):  # only where 12 decimals would print a value as 0 (or 100 %), or where
            # the printed difference of two values ages apart would take more than 6 digits
            ends = [0.0, 1.0] if kind == 0 else [0.0]
            assert min(abs(v - e) for v in (b, a) for e in ends) < 1e-10 or \
                len((exact(after) - exact(before)).normalize().as_tuple().digits) > 6, (shown, b, a)
            assert close(before, b * scale) and close(after, a * scale), (shown, b, a)
            assert close(delta.removeprefix("≈ "), (a - b) * scale), (shown, b, a)
            continue
        assert differs(before, after, delta), shown  # digit for digit
        assert close(before, b * scale) and close(after, a * scale), (shown, b, a)
        # and the true change, rounded (to the coarser last place of the two, when they differ)
        place = max(last_place(before), last_place(after)) if last_place(before) != last_place(after) else last_place(delta)
        assert delta == "0" or abs(float(exact(delta)) - (a - b) * scale) <= float(place) / 2 * 1.0001 \
            + 1e-12 * abs(a * scale), (shown, (a - b) * scale)
        if delta != "0":  # the change has three significant digits (or is written in powers of ten)
            d = number(delta)
            assert "e" in delta or half_ulp(delta) <= abs(d) * 5e-3 * 1.0001 or math.isclose(abs(d), 0, abs_tol=1e-12), shown


def test_the_reported_rows_are_fixed():
    """Issue 17's rows: Z2[2] 5.3744 -> 5.7096 was shown 5.375 -> 5.710, +0.336 (the printed
    difference is 0.335), J 0.733 -> 0.450 as −0.284 (printed difference −0.283)."""
    b, a, d = change(5.3744, 5.7096)
    assert differs(b, a, d) and (b, a, d) == ("5.3744", "5.7096", "+0.3352")
    b, a, d = change(0.7334, 0.4496)
    assert differs(b, a, d) and d == "−" + d[1:] and abs(number(d) - (0.4496 - 0.7334)) <= half_ulp(d)
    assert differs(*change(7.58e-6, 7.61e-6, 100, probability=True))  # tiny probabilities, in powers of ten


def test_the_parts_of_a_sum_add_up_to_its_total_as_printed():
    """−5.5179 + −0.1670 = −5.6849 printed −5.68: at 3 digits the parts (−5.52, −0.167) add up to
    −5.687, which rounds to −5.69, so they get more digits until they say −5.68."""
    assert not sums_to(["−5.52", "−0.167"], "−5.68")
    parts = adding_up(sig(-5.6849), [-5.5179, -0.1670])
    assert sums_to(parts, "−5.68") and close(parts[0], -5.5179) and close(parts[1], -0.1670)
    rng = np.random.default_rng(1)
    for _ in range(3000):
        k = int(rng.integers(2, 5))
        values = rng.normal(size=k) * 10.0 ** rng.integers(-6, 2, size=k)
        signs = [int(s) for s in rng.choice([-1, 1], size=k)]
        total = sig(float(np.dot(signs, values)))
        parts = adding_up(total, values, signs)
        assert sums_to(parts, total, signs), (values, signs, parts, total)
        assert all(close(p, v) for p, v in zip(parts, values))  # each part is itself, rounded
        tex = adding_up(sig(float(np.dot(signs, values)), tex=True), values, signs, tex=True)
        assert [exact(t) for t in tex] == [exact(p) for p in parts]


def test_a_change_between_values_ages_apart_reads_in_three_digits():
    """Issue 17: after 1 step at α = 0.1 the default example's P(0) went from 7.58e−4 % to 3.65e−15 %,
    and the change was printed whole, "−7.5799999999635e−4": exact, unreadable. It says "≈" and 3
    digits, as a value next to 0 does; changes of values of one size keep every digit."""
    assert change(7.58e-6, 3.65e-17, 100, probability=True) == ("7.58e−4", "3.65e−15", "≈ −7.58e−4")
    assert change(2.19e-6, 4.08e-20, 100, probability=True)[2] == "≈ −2.19e−4"
    b, a, d = change(7.58e-6, 7.61e-6, 100, probability=True)
    assert differs(b, a, d) and not d.startswith("≈")


def test_a_probability_beside_its_surprise_gives_it_on_a_calculator():
    """Issue 17: the Backprop page printed "J = −log 0.638 = 0.450" (−log 0.638 = 0.449): p gets
    the digits it takes for −log p to round to the J shown, here and for random probabilities."""
    from ui.numbers import surprise_of
    assert surprise_of("0.450", 0.63757) == "0.6376"
    rng = np.random.default_rng(1)
    for p in np.concatenate([rng.random(300), 1 - rng.random(100) ** 4, rng.random(100) ** 6]):
        J = sig(-math.log(p))
        shown = surprise_of(J, p)
        if shown.startswith(">"):  # within 1e-12 of 1: said as a bound
            assert 1 - p < 1e-9
            continue
        assert sums_to([sig(-math.log(float(exact(shown))), digits=12)], J), (p, J, shown)
