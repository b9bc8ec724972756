r"""Les Houches Event files of an :class:`~millicharge.events.sample.EventSample`.

LHE file (Les Houches Event format version 3.0; Alwall et al., Comput. Phys. Commun.
176 (2007) 300, hep-ph/0609017; Boos et al., hep-ph/0109068)
------------------------------------------------------------------------------------------
* Fixed target, lab frame, beam along +z. LHE assumes two beams; here beam 1 is the
  lepton (IDBMUP = 13 for μ⁻, 11 for e⁻; EBMUP1 = E) and beam 2 the target nucleus **at
  rest** (IDBMUP = PDG nuclear code 100ZZZAAA0, e.g. 1000822070 for ²⁰⁷Pb; EBMUP2 = M_N =
  A·u, the nucleus mass used in the calculation). No PDFs (PDFGUP = PDFSUP = 0).
* One process, IDPRUP = LPRUP = 1. IDWTUP = 3: unweighted events, every event has
  XWGTUP = XSECUP/N (pb), so the weights sum to σ; XMAXUP = XWGTUP. XSECUP ± XERRUP is
  σ(x_min ≤ x ≤ x_max) in pb at the requested ε (σ ∝ ε²).
* Each event: SCALUP = √s (the γ*/A' mass, GeV), AQEDUP = α, AQCDUP = −1 (not used).
  Particles (IDUP ISTUP MOTHUP1 MOTHUP2 ICOLUP1 ICOLUP2 px py pz E m VTIMUP SPINUP):
  1 l (−1), 2 N (−1), 3 l' (1, mothers 1 2), 4 N' (1, mothers 1 2), then the model's
  :attr:`~millicharge.models.base.Model.lhe_particles` (made in the hard process: mothers
  1 2; a decay product: mother its parent's line). MCP: 5 γ* (PDG 22, status 2 =
  intermediate, m = √s), 6 χ (PDG 9000001, 1, mother 5), 7 χ̄ (PDG −9000001, 1, mother 5).
  Dark photon: 5 A' (PDG 9000005, status 1).
  Colours 0, VTIMUP 0, SPINUP 9 (unpolarised). Momenta with 17 significant digits
  (exact binary64 round trip), so the file conserves four-momentum as well as the
  calculation does (~10⁻¹⁵ relative).
* ``<header>`` holds a ``<millicharge>`` block: version, the process in words (the
  model's title), every input (experiment, beam, energy, target Z, A, M_N, the model and
  its mass under its own name, ``m_chi_gev`` or ``m_A'_gev``, ε and what it means, x
  window, seed, generator settings), the model's PDG codes and the run statistics (σ,
  efficiency, overweight fractions). It holds no timestamps: the same inputs and seed
  give a byte-identical file.
* ``<init>`` ends with an LHEF 3.0 ``<generator name="millicharge" version="…">`` element
  whose text names the model, its mass and ε (e.g. ``model = mcp, m_chi = 0.1 GeV,
  epsilon = 0.001``).
* A path ending in ``.gz`` is written gzip-compressed (fixed mtime, still reproducible).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

import numpy as np
from numpy.typing import NDArray

from millicharge.core.atomic import atomic_path, check_output_path
from millicharge.core.constants import ALPHA
from millicharge.core.errors import InputError
from millicharge.events.sample import EventSample
from millicharge.models import get_model
from millicharge.models.dark_photon import DARK_PHOTON_PDG
from millicharge.models.mcp import CHI_PDG

__all__ = ["CHI_PDG", "DARK_PHOTON_PDG", "LEPTON_PDG", "LHE_SUFFIXES", "nucleus_pdg",
           "write_lhe"]

LEPTON_PDG = {"e": 11, "mu": 13}
"""PDG codes of the beam leptons (e⁻, μ⁻)."""


def nucleus_pdg(z: float, a: float) -> int:
    """PDG nuclear code 10LZZZAAAI = 1000000000 + 10000·Z + 10·A (L = I = 0).

    Z and A are rounded to integers (A in g/mol, e.g. 207.2 → 207).

    >>> nucleus_pdg(82, 207.2), nucleus_pdg(13, 26.98)
    (1000822070, 1000130270)
    """
    return 1_000_000_000 + 10_000 * round(z) + 10 * round(a)


def _particles(sample: EventSample) -> list[tuple[int, int, int, int, str, float | NDArray]]:
    """(IDUP, ISTUP, MOTHUP1, MOTHUP2, momentum key, mass) in file order."""
    lep = LEPTON_PDG[sample.beam]
    nuc = nucleus_pdg(sample.Z, sample.A)
    first = 5  # the line of the model's first particle
    rows: list[tuple[int, int, int, int, str, float | NDArray]] = [
        (lep, -1, 0, 0, "lepton_in", sample.lepton_mass_gev),
        (nuc, -1, 0, 0, "nucleus_in", sample.nucleus_mass_gev),
        (lep, 1, 1, 2, "lepton_out", sample.lepton_mass_gev),
        (nuc, 1, 1, 2, "nucleus_out", sample.nucleus_mass_gev),
    ]
    for part in get_model(sample.model).lhe_particles:
        mothers = (1, 2) if part.parent is None else (first + part.parent,) * 2
        mass = sample.pair_mass if part.mass == "pair" else sample.mass_gev
        rows.append((part.pdg, part.status, *mothers, part.momentum, mass))
    return rows


def _header(sample: EventSample) -> str:
    from millicharge._version import __version__

    model = get_model(sample.model)
    codes = ", ".join(f"{p.name or p.momentum} = {p.pdg}"
                      + (" (status 2)" if p.status == 2 else "") for p in model.lhe_particles)
    lines = [
        f"millicharge {__version__}: l N -> l N + {model.title} (model {model.name}),"
        " exact tree-level |M|^2",
        "frame = lab, fixed target: beam 1 = lepton along +z, beam 2 = nucleus at rest"
        " (EBMUP2 = M_N)",
        f"experiment = {sample.experiment}",
        f"beam = {sample.beam}",
        f"energy_gev = {sample.energy_gev!r}",
        f"target = {sample.target}",
        f"Z = {sample.Z!r}",
        f"A = {sample.A!r}",
        f"nucleus_mass_gev = {sample.nucleus_mass_gev!r}",
        f"model = {sample.model}",
        f"form_factor = {sample.form_factor}",
        f"mass_gev = {sample.mass_gev!r}",
        f"{model.mass_text}_gev = {sample.mass_gev!r}",
        f"epsilon = {sample.epsilon!r}  ({model.coupling_text})",
        f"x_min = {sample.x_min!r}",
        f"x_max = {sample.x_max!r}  (the window, clipped to kinematics: x <= 1 - m_l/E)",
        "x = E_miss/E (the radiated system's energy over the beam energy)",
        f"events = {sample.n_events}",
        f"seed = {sample.seed}",
        *(f"{k} = {v!r}" for k, v in sample.settings.items()),
        f"sigma_pb = {sample.sigma_pb!r}",
        f"sigma_error_pb = {sample.error_pb!r}",
        f"unweighting_efficiency = {sample.efficiency!r}",
        f"overweight_event_fraction = {sample.overweight_fraction!r}",
        f"truncated_sigma_fraction = {sample.truncated_fraction!r}",
        f"evaluations = {sample.n_evaluated}",
        f"pdg: {codes}, nucleus = 100ZZZAAA0",
        "weights: IDWTUP = 3 (unweighted), XWGTUP = XSECUP/N in pb",
    ]
    body = "\n".join(escape(line) for line in lines)
    version = escape(__version__)
    return f'<header>\n<millicharge version="{version}">\n{body}\n</millicharge>\n</header>\n'


def _model_line(sample: EventSample) -> str:
    """``model = mcp, m_chi = 0.1 GeV, epsilon = 0.001``: what the file's events are."""
    model = get_model(sample.model)
    return (f"model = {model.name}, {model.mass_text} = {sample.mass_gev!r} GeV, "
            f"epsilon = {sample.epsilon!r}")


def _init(sample: EventSample) -> str:
    from millicharge._version import __version__

    weight = sample.sigma_pb / sample.n_events
    return (
        "<init>\n"
        f"{LEPTON_PDG[sample.beam]} {nucleus_pdg(sample.Z, sample.A)} "
        f"{sample.energy_gev:.16e} {sample.nucleus_mass_gev:.16e} 0 0 0 0 3 1\n"
        f"{sample.sigma_pb:.16e} {sample.error_pb:.16e} {weight:.16e} 1\n"
        f'<generator name="millicharge" version="{escape(__version__)}">'
        f"{escape(_model_line(sample))}</generator>\n"
        "</init>\n"
    )


def _event_blocks(sample: EventSample, chunk: int = 2000) -> Iterator[str]:
    rows = _particles(sample)
    n = sample.n_events
    weight = sample.sigma_pb / n
    scale = sample.pair_mass
    head = f"<event>\n{len(rows)} 1 {weight:.10e} {{:.10e}} {ALPHA:.10e} -1.0000000000e+00\n"
    fmt = "{:>10d} {:>2d} {:>4d} {:>4d} 0 0 {:+.16e} {:+.16e} {:+.16e} {:+.16e} {:.16e} 0. 9.\n"
    masses = [np.broadcast_to(np.asarray(m, dtype=float), (n,)) for *_, m in rows]
    mom = [sample.momenta[key] for *_, key, _ in rows]
    for start in range(0, n, chunk):
        out = []
        for i in range(start, min(start + chunk, n)):
            out.append(head.format(scale[i]))
            for (pid, status, m1, m2, _, _), p, m in zip(rows, mom, masses, strict=True):
                out.append(fmt.format(pid, status, m1, m2, p[i, 1], p[i, 2], p[i, 3],
                                      p[i, 0], m[i]))
            out.append("</event>\n")
        yield "".join(out)


def _write_stream(sample: EventSample, fh: IO[bytes]) -> None:
    fh.write(b'<LesHouchesEvents version="3.0">\n')
    fh.write(_header(sample).encode())
    fh.write(_init(sample).encode())
    for block in _event_blocks(sample):
        fh.write(block.encode())
    fh.write(b"</LesHouchesEvents>\n")


LHE_SUFFIXES = (".lhe", ".lhe.gz")
"""The names :func:`write_lhe` accepts: plain LHE, or gzip-compressed LHE."""


def write_lhe(sample: EventSample, path: str | Path) -> Path:
    """Write ``sample`` as a Les Houches Event file (format: module docstring).

    ``path`` must end in ``.lhe``, or ``.lhe.gz`` for a gzip-compressed file. The write is
    atomic (:mod:`millicharge.core.atomic`): the events go to a temporary file beside ``path``
    that replaces it when complete, so an interrupted run leaves neither a truncated file
    nor a temporary one; the file's mode follows the umask.
    """
    path = check_output_path(path, suffixes=LHE_SUFFIXES, what="LHE output")
    try:
        with atomic_path(path) as tmp, open(tmp, "xb") as raw:
            if path.name.lower().endswith(".gz"):
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
                    _write_stream(sample, gz)
            else:
                _write_stream(sample, raw)
    except OSError as err:
        raise InputError(f"cannot write {str(path)!r}: {err.strerror or err}") from None
    return path
