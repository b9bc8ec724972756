"""The one mass grammar (millicharge.core.grammar.read_masses): forms, limits, messages."""

from __future__ import annotations

import time

import numpy as np
import pytest

from millicharge.core.errors import InputError
from millicharge.core.grammar import read_masses
from millicharge.core.validation import MASS_MIN_GEV

THREE = np.geomspace(0.01, 1.0, 3)
WORDS = [repr(float(m)) for m in THREE]  # the exact decimal of each float


@pytest.mark.parametrize("spec", [
    "0.01:1:3", " 0.01 : 1 : 3 ", ["0.01:1:3"], ",".join(WORDS), ",".join(WORDS) + ",,",
    list(THREE), tuple(THREE), THREE, [WORDS[0], f"{WORDS[1]}, {WORDS[2]}"],
    [float(THREE[0]), WORDS[1], THREE[2]], np.array(WORDS), ["0.01:0.1:2", 1],
])
def test_every_spelling_gives_the_same_masses(spec):
    out = read_masses(spec, limit=10)
    assert out.dtype == np.float64 and out.ndim == 1
    assert out.tolist() == THREE.tolist()


def test_values_add_up_in_order():
    out = read_masses([2.0, "0.01:0.1:2", "0.5,0.3", 7], limit=10)
    assert out.tolist() == [2.0, 0.01, 0.1, 0.5, 0.3, 7.0]
    assert read_masses(0.25, limit=1).tolist() == [0.25]
    assert read_masses(np.array(0.25), limit=1).tolist() == [0.25]


def test_a_huge_range_fails_before_anything_is_allocated(monkeypatch):
    def allocate(*args, **kwargs):
        raise AssertionError("numpy.geomspace called before the size check")

    monkeypatch.setattr(np, "geomspace", allocate)
    t0 = time.monotonic()
    with pytest.raises(InputError, match=r"^the mass list '0.01:1:1000000000' has 1000000000 "
                       r"points, more than the limit of 100000$"):
        read_masses("0.01:1:1000000000", limit=100_000)
    assert time.monotonic() - t0 < 0.5


def test_the_limit_counts_every_piece():
    assert len(read_masses(["0.01:1:5", "1,2"], limit=7)) == 7
    with pytest.raises(InputError, match=r"has 7 points, more than the limit of 6: split"):
        read_masses(["0.01:1:5", "1,2"], limit=6, hint=": split")
    with pytest.raises(InputError, match="more than the limit of 2"):
        read_masses(np.ones(3), limit=2)


@pytest.mark.parametrize("limit", [0, -1, 1.5, "10", True, None])
def test_the_limit_must_be_a_positive_integer(limit):
    with pytest.raises(InputError, match="the mass limit must be a positive integer"):
        read_masses(0.1, limit=limit)


def test_the_smallest_mass_is_the_validation_floor():
    assert read_masses(MASS_MIN_GEV, limit=1).tolist() == [MASS_MIN_GEV]
    with pytest.raises(InputError, match="each ≥ 1e-09"):
        read_masses(MASS_MIN_GEV / 2, limit=1)
    with pytest.raises(InputError, match="each ≥ 1e-09"):
        read_masses(f"{MASS_MIN_GEV / 2}:1:3", limit=10)


BAD = [
    # (spec, message without option, message with option="--mass")
    ("", r"^masses is empty", r"^--mass is empty"),
    ([], r"^masses is empty", r"^--mass is empty"),
    (" , ", r"^masses is empty", r"^--mass is empty"),
    ("abc", r"^cannot read masses 'abc': use start:stop:n", r"^bad --mass value 'abc': use"),
    ("0.01:1", r"^cannot read masses '0.01:1'", r"^bad --mass value '0.01:1'"),
    ("1:0.1:3", r"'1:0.1:3': start:stop:n needs 0 < start < stop and n ≥ 1",
     r"^bad --mass value '1:0.1:3': start:stop:n needs 0 < start"),
    ("0.01:1:0", r"needs 0 < start < stop and n ≥ 1", r"needs 0 < start < stop and n ≥ 1"),
    ("0.01:1:n", r"n in start:stop:n must be an integer", r"must be an integer"),
    ("x:1:3", r"^cannot read masses 'x': start and stop of 'x:1:3'", r"^bad --mass value 'x'"),
    ("0.1,-0.2", r"^masses must be positive numbers in GeV, each ≥ 1e-09, got '-0.2'$",
     r"^bad --mass value '-0.2': masses must be positive"),
    ("0", r"^masses must be positive", r"^bad --mass value '0': masses must be positive"),
    ("nan", r"masses must be positive", r"^bad --mass value 'nan'"),
    ("0.01:inf:3", r"masses must be positive", r"^bad --mass value '0.01:inf:3'"),
    ([np.nan], r"masses must be positive", r"^bad --mass value nan"),
    (np.array([0.1, -1.0]), r"masses must be positive", r"masses must be positive"),
    (None, r"^cannot read masses None", r"^bad --mass value None"),
    (True, r"^cannot read masses True", r"^bad --mass value True"),
    ([True], r"^cannot read masses True", r"^bad --mass value True"),
    ([[0.1, 0.2], [0.3]], r"^cannot read masses \[0.1, 0.2\]", r"^bad --mass value"),
    (np.ones((2, 2)), r"^cannot read masses", r"^bad --mass value"),
    ({"m": 0.1}, r"^cannot read masses", r"^bad --mass value"),
    (1 + 0j, r"^cannot read masses", r"^bad --mass value"),
    ("0.1 0.2", r"^cannot read masses '0.1 0.2'", r"^bad --mass value '0.1 0.2'"),
]


@pytest.mark.parametrize(("spec", "api", "cli"), BAD)
def test_bad_masses_are_named_in_one_line(spec, api, cli):
    for option, message in ((None, api), ("--mass", cli)):
        with pytest.raises(InputError, match=message) as err:
            read_masses(spec, limit=100, option=option)
        assert "\n" not in str(err.value)
