"""The numba kernels (the integrand's only path) reproduce the numpy reference
(matrix elements, phase space): millicharge.xsec.kernels says why both exist."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from millicharge.amplitudes.dirac import GAMMA
from millicharge.amplitudes.matrix_elements import lepton_current, reduced_contraction
from millicharge.core.constants import E_CHARGE_SQ
from millicharge.kinematics.phase_space import three_body_events
from millicharge.kinematics.process import Process
from millicharge.target.formfactors import elastic_form_factor
from millicharge.xsec import etl, kernel_amplitude, kernel_phase_space
from millicharge.xsec import kernels as _kernels

BEAMS = [("e", 8.0, "Al"), ("mu", 160.0, "Pb")]
X_VALUES = [0.01, 0.3, 0.7, 0.999]
S_VALUES = [1e-10, 1e-6, 1e-3, 0.04, 1.0]  # GeV², kept below (xE)² per point


def _events(beam, energy, target, x, s, n=400, seed=0):
    proc = Process.make(beam, energy, target, 0.01)
    rng = np.random.default_rng(seed)
    xs = np.full(n, x)
    ss = np.full(n, min(s, 0.25 * (x * energy) ** 2))
    args = (
        energy,
        proc.lepton_mass,
        proc.target.nucleus_mass,
        xs,
        ss,
        rng.random(n),
        rng.random(n),
        2.0 * np.pi * rng.random(n),
    )
    return proc, args


def _allowed(ev):
    ok = ev.weight > 0
    return [getattr(ev, f)[ok] for f in ("p", "pp", "k", "s", "nucleus", "t")]


@pytest.mark.parametrize(
    ("beam", "x", "s"), list(itertools.product(range(len(BEAMS)), X_VALUES, S_VALUES))
)
def test_contraction_kernel_equals_numpy(beam, x, s):
    proc, args = _events(*BEAMS[beam], x, s, seed=int(1e3 * x) + beam)
    p, pp, k, ss, nucleus, t = _allowed(three_body_events(*args))
    assert len(t) > 100
    m = proc.lepton_mass
    ref = reduced_contraction(lepton_current(p, pp, k, m, ss), k, ss, nucleus, t)
    fast = _kernels.contraction_kernel(p, pp, k, ss, nucleus, t, m)
    assert np.all(np.isfinite(ref)) and np.all(ref > 0)
    np.testing.assert_allclose(fast, ref, rtol=1e-10, atol=0)


@pytest.mark.parametrize("beam", range(len(BEAMS)))
def test_contraction_kernel_random_mix(beam):
    """Random x (incl. the endpoint region) and s from 1e-10 GeV² up to (xE)²/2."""
    name, energy, target = BEAMS[beam]
    proc = Process.make(name, energy, target, 0.01)
    rng = np.random.default_rng(7 + beam)
    n = 5000
    x = 1.0 - 10.0 ** rng.uniform(-3, np.log10(0.99), n)
    s = 10.0 ** rng.uniform(-10, 0, n) * 0.5 * (x * energy) ** 2
    ev = three_body_events(
        energy, proc.lepton_mass, proc.target.nucleus_mass, x, s,
        rng.random(n), rng.random(n), 2.0 * np.pi * rng.random(n),
    )  # fmt: skip
    p, pp, k, ss, nucleus, t = _allowed(ev)
    m = proc.lepton_mass
    ref = reduced_contraction(lepton_current(p, pp, k, m, ss), k, ss, nucleus, t)
    fast = _kernels.contraction(p, pp, k, ss, nucleus, t, m)
    np.testing.assert_allclose(fast, ref, rtol=1e-10, atol=0)


def test_squared_amplitude_is_the_kernel_contraction_times_the_nucleus_factor():
    """etl.squared_amplitude (kernel path) against the numpy reference written out:
    e⁶ Z² F(t)² / (4t²) · reduced_contraction(lepton_current(...)) (paper Eqs. 9–10)."""
    proc, args = _events("mu", 160.0, "Pb", 0.5, 1e-4)
    ev = three_body_events(*args)
    sel = etl._select(ev, ev.weight > 0)
    big_m = proc.target.nucleus_mass
    got = etl.squared_amplitude(proc, sel, big_m)
    c = reduced_contraction(lepton_current(sel.p, sel.pp, sel.k, proc.lepton_mass, sel.s),
                            sel.k, sel.s, sel.nucleus, sel.t)
    ff = elastic_form_factor(sel.t, proc.target.Z, proc.target.A)
    ref = E_CHARGE_SQ**3 * proc.target.Z**2 * ff**2 / (4.0 * sel.t**2) * c
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=0)


def test_integrand_has_no_numpy_switch():
    """One path computes: no module-level switch, no numba-free fallback."""
    for name in ("USE_KERNEL", "HAVE_NUMBA", "contraction_numpy"):
        assert not hasattr(_kernels, name)


def test_sparse_gamma_products_exact():
    rng = np.random.default_rng(3)
    v = rng.normal(size=4) + 1j * rng.normal(size=4)
    out = np.empty((4, 4), dtype=complex)
    kernel_amplitude._gamma_times(v, out)
    np.testing.assert_array_equal(out, np.einsum("mab,b->ma", GAMMA, v))
    kernel_amplitude._times_gamma(v, out)
    np.testing.assert_array_equal(out, np.einsum("b,mba->ma", v, GAMMA))


@pytest.mark.parametrize(("beam", "x", "s"), [(0, 0.999, 1e-10), (0, 0.3, 1e-2), (1, 0.7, 1.0)])
def test_three_body_kernel_equals_numpy(beam, x, s):
    _, args = _events(*BEAMS[beam], x, s, n=2000, seed=11)
    ref = three_body_events(*args)
    fast = _kernels.three_body_events_fast(*args)
    np.testing.assert_array_equal(fast.weight > 0, ref.weight > 0)
    ok = ref.weight > 0
    assert ok.sum() > 1000
    for name in ("s", "t", "weight"):
        np.testing.assert_allclose(getattr(fast, name)[ok], getattr(ref, name)[ok], rtol=1e-12)
    for name in ("p", "pp", "k", "nucleus", "recoil"):
        a, b = getattr(fast, name)[ok], getattr(ref, name)[ok]
        scale = np.max(np.abs(b), axis=1, keepdims=True)
        assert np.max(np.abs(a - b) / scale) < 1e-12, name


# ------------------------------------------------------- compiled once, ahead, in parallel
def test_warm_up_signatures_are_those_of_the_real_calls():
    """warm_up compiles each kernel for SIGNATURE; the integrand's calls reuse it (a call
    with other argument types would add a second, lazily compiled, overload)."""
    _kernels.warm_up()
    proc, args = _events("mu", 160.0, "Pb", 0.5, 1e-4)
    ev = _kernels.three_body_events_fast(*args)
    sel = etl._select(ev, ev.weight > 0)
    etl.squared_amplitude(proc, sel, proc.target.nucleus_mass)
    for kernel, signature in ((_kernels.contraction_kernel, kernel_amplitude.SIGNATURE),
                              (_kernels.three_body_kernel, kernel_phase_space.SIGNATURE)):
        assert [tuple(s) for s in kernel.signatures] == [signature]


_FRESH = """
import sys, numpy as np
from millicharge.xsec import kernels as k
if sys.argv[1] == "warm_up":
    k.warm_up()
one = np.linspace(0.1, 0.9, 7)
ev = k.three_body_kernel(160.0, 0.1056583755, 193.7, one, 1e-3 * one, one, one[::-1], one)
p, pp, kk, nucleus, _, t, w = ev
c = k.contraction_kernel(p, pp, kk, 1e-3 * one, nucleus, t, 0.1056583755)
print(sum(k.three_body_kernel.stats.cache_hits.values()))
print(np.concatenate([w, c]).tobytes().hex())
"""


def _fresh(how: str, cache: Path, env_extra: dict[str, str] | None = None) -> list[str]:
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache), **(env_extra or {}))
    proc = subprocess.run([sys.executable, "-c", _FRESH, how], capture_output=True, text=True,
                          env=env, check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


@pytest.mark.skipif(os.name != "posix", reason="the compilation forks only on POSIX")
def test_parallel_compilation_gives_the_serial_numbers(tmp_path):
    """An empty cache: warm_up compiles with forked children, and the parent loads
    three_body_kernel from the cache the child wrote; the kernels' numbers are bit for bit
    those of a plain (lazy, serial) compilation in another empty cache."""
    hits, parallel = _fresh("warm_up", tmp_path / "parallel")
    assert int(hits) >= 1, "three_body_kernel was not compiled by a child"
    lazy_hits, serial = _fresh("lazy", tmp_path / "serial")
    assert int(lazy_hits) == 0
    assert parallel == serial


def test_compilation_without_fork_falls_back_to_the_parent(tmp_path):
    """Where processes cannot fork, warm_up compiles everything itself, same numbers."""
    code = ("import os\ndef refuse():\n    raise OSError('no fork here')\nos.fork = refuse\n"
            + _FRESH)
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "nofork"))
    proc = subprocess.run([sys.executable, "-c", code, "warm_up"], capture_output=True,
                          text=True, env=env, check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr
    hits, numbers = proc.stdout.split()
    assert int(hits) == 0  # compiled here, not loaded from a child's cache
    _, serial = _fresh("lazy", tmp_path / "serial")
    assert numbers == serial


# ------------------------------------------------ compiled in the background, ahead of use
_BACKGROUND = """
import os, sys, numpy as np
from millicharge.xsec import kernels as k
setup = None
if sys.argv[1] == "failing":  # the background processes die before compiling anything
    def setup(parent_pid):
        raise RuntimeError("no compiling here")
started = k.start_background_compile(setup)
again = k.start_background_compile(setup)  # one at a time
pid = k._background
k.warm_up()
try:
    os.waitpid(pid, os.WNOHANG)
    reaped = False
except (ChildProcessError, TypeError):
    reaped = pid is not None
one = np.linspace(0.1, 0.9, 7)
ev = k.three_body_kernel(160.0, 0.1056583755, 193.7, one, 1e-3 * one, one, one[::-1], one)
p, pp, kk, nucleus, _, t, w = ev
c = k.contraction_kernel(p, pp, kk, 1e-3 * one, nucleus, t, 0.1056583755)
hits = [sum(f.stats.cache_hits.values()) for f in (k.contraction_kernel, k.three_body_kernel)]
print(started, again, reaped, *hits)
print(np.concatenate([w, c]).tobytes().hex())
"""


def _background(how: str, cache: Path) -> tuple[list[str], str]:
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache))
    proc = subprocess.run([sys.executable, "-c", _BACKGROUND, how], capture_output=True,
                          text=True, env=env, check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split(), proc.stderr


@pytest.mark.skipif(os.name != "posix", reason="the compilation forks only on POSIX")
def test_background_compilation_is_loaded_by_warm_up_with_the_serial_numbers(tmp_path):
    """An empty cache: start_background_compile forks a process that compiles both kernels
    into numba's cache; warm_up waits for it (reaping it), loads both from the cache and the
    numbers are bit for bit those of a plain serial compilation. Once cached, nothing
    starts."""
    (started, again, reaped, contraction_hits, phase_space_hits, numbers), err = \
        _background("ok", tmp_path / "background")
    assert (started, again, reaped) == ("True", "False", "True")
    assert int(contraction_hits) >= 1 and int(phase_space_hits) >= 1, "not loaded from cache"
    assert err.count("compiling kernels") <= 1, err
    _, serial = _fresh("lazy", tmp_path / "serial")
    assert numbers == serial
    (started, *_), _ = _background("ok", tmp_path / "background")
    assert started == "False"


@pytest.mark.skipif(os.name != "posix", reason="the compilation forks only on POSIX")
def test_failed_background_compilation_falls_back_to_this_process(tmp_path):
    """The background processes die without caching anything: warm_up compiles the kernels
    itself (nothing loaded from the cache), announces it once, same numbers."""
    (started, _, reaped, contraction_hits, phase_space_hits, numbers), err = \
        _background("failing", tmp_path / "failing")
    assert (started, reaped) == ("True", "True")
    assert (contraction_hits, phase_space_hits) == ("0", "0")
    assert err.count("compiling kernels") == 1, err
    _, serial = _fresh("lazy", tmp_path / "serial")
    assert numbers == serial
