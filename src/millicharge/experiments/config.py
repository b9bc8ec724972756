"""Experiments: beam, statistics, target, cut, efficiency and background, read from TOML.

This module is the front door of the experiment configuration; the work is done by
:mod:`~millicharge.experiments.schema` (every key: type, rule, default, unit, meaning),
:mod:`~millicharge.experiments.experiment` (the :class:`Experiment` type and the checks
that tie its fields together), :mod:`~millicharge.experiments.meson_table` (the
``[mesons]`` table) and :mod:`~millicharge.experiments.files` (reading, listing and
loading files).

Shipped experiments live in ``data/experiments/*.toml`` (one file per experiment, every
line commented with its source); a user file with the same layout is loaded from a path.
Values for NA64μ and LDMX are those of the seed paper (Gninenko et al., "Probing
millicharged particles with NA64μ and LDMX", Sec. II).

File layout (all energies in GeV, lengths in cm, densities in g/cm³; the same, generated
from the schema, is :func:`millicharge.experiments.schema.layout`)::

    name = "NA64mu"                 # required, string
    description = "..."             # required, string
    references = ["..."]            # required, list of strings (or one string)
    beam = "mu"                     # "e" or "mu"
    energy_gev = 160.0              # > lepton mass
    leptons_on_target = 1e14        # LOT (MOT/EOT), > 0
    x_min = 0.5                     # 0 < x_min < x_max
    x_max = 1.0                     # optional, default 1; x_max <= 1
    channels = ["brem"]             # subset of brem, rho, omega, phi
    efficiency = 1.0                # optional, 0 < eff <= 1 (a constant), or instead a table:
    efficiency_masses_gev = [0.001, 0.1, 1.0]   #   masses (GeV, > 0, strictly increasing)
    efficiency_values = [0.5, 0.7, 0.6]         #   efficiency at each mass, 0 <= eff <= 1
    background = 0.0                # optional, expected events >= 0
    background_uncertainty = 0.0    # optional, absolute (events) >= 0; needs background > 0
    cl = 0.95                       # optional, 0 < cl < 1
    energy_loss = "none"            # optional: "none" (paper) or "mean" (muon beams only)
    dedx_gev_per_cm = 12.7e-3       # needed with energy_loss = "mean": mean dE/dx, GeV/cm
    depth_points = 6                # optional: Gauss-Legendre points in depth (1 ... 32)

    [target]
    material = "Pb"                 # symbol from data/materials.toml
    A = 207.0                       # optional overrides: Z, A, density, X0
    thickness_x0 = 40.0             # exactly one of thickness_x0, thickness_cm
    form_factor = "elastic"         # optional: "elastic" (paper Eq. 10) or "elastic+inelastic"
    transport = "thin"              # optional: "thin" (paper Eq. 4 at E0 over L_T) or "shower"
                                    #   (e- beams: the shower's e+-, millicharge.transport)
    shower_nodes = 8                # optional: energy nodes of the shower fold (even, 2 ... 32)

    [mesons]                        # optional; without it meson yields are computed
    source = "paper-eq7"            # "paper-eq7"/"typed" (yields below) or "computed"
    reference_lot = 2e16            # typed: the setup the yields hold for (paper Eq. 7);
    reference_energy_gev = 8.0      #   energy, material, thickness and x_min must match
    reference_material = "Al"       #   this experiment's (an InputError otherwise);
    reference_thickness_x0 = 0.4    #   N_V scales linearly with LOT (paper Eq. 5)
    reference_x_min = 0.7
    n_rho = 6e10                    # typed: N_V at reference_lot (paper Eq. 7), >= 0;
    n_omega = 6e9                   #   a meson channel needs its n_<V>
    n_phi = 1e9
    # computed (paper Eqs. 5-6, millicharge.experiments.mesons): optional sigma0_ub_<V> (μb per
    # nucleon) and f_nuc_<V> replace the shipped photoproduction inputs

Target transport. ``"thin"`` (the default, the paper's idealisation): Eq. 4 with the beam
at E₀ through the whole target. ``"shower"``: an electron beam showers, and every e± of
the shower above x_min·E₀ can emit the signal; Eq. 4 is folded with the shower's e± track
length (Approximation A of cascade theory, Rossi & Greisen, Rev. Mod. Phys. 13 (1941) 240;
:mod:`millicharge.transport.shower`,
:func:`millicharge.experiments.thick_target.shower_cross_sections`). It needs
an electron beam (muons do not shower: ``energy_loss = "mean"`` is their thick-target
option) and the target's X₀.

Any problem raises :class:`~millicharge.core.errors.InputError` with a one-line message that
names the file, the field and what is allowed.

Detector response. The signal efficiency η multiplies every channel's yield (paper Eq. 4
for the bremsstrahlung-like channel, Eq. 8 for the mesons). It is either one number or a
table against the mass (m_χ, or m_A' for the dark photon): η(m) is interpolated linearly
in ln m between the points and held constant beyond the first and the last one
(:meth:`Experiment.efficiency_at`). The expected background b may carry an absolute
uncertainty σ_b, which the limit marginalises with a Gamma prior of mean b and standard
deviation σ_b (:func:`millicharge.limits.statistics.upper_limit`); σ_b = 0 is the plain Poisson
case.

    >>> exp = load_experiment("na64mu")
    >>> exp.beam, exp.energy_gev, f"{exp.leptons_on_target:.0e}"
    ('mu', 160.0, '1e+14')
    >>> round(exp.thickness_cm, 3)      # 40 X0 of Pb, X0 = 0.5612 cm
    22.448
    >>> load_experiment("ldmx").meson_yield("rho")
    60000000000.0
"""

from __future__ import annotations

from millicharge.core.vocab import Channel, EnergyLoss, MesonSource, Transport, choices
from millicharge.experiments.experiment import Experiment
from millicharge.experiments.files import experiment_from_dict, experiment_names, load_experiment
from millicharge.experiments.meson_table import MesonYields
from millicharge.experiments.schema import SHOWER_NODES_MAX

__all__ = [
    "CHANNELS",
    "ENERGY_LOSS_MODELS",
    "MESON_CHANNELS",
    "MESON_YIELD_SOURCES",
    "SHOWER_NODES_MAX",
    "TRANSPORTS",
    "Experiment",
    "MesonYields",
    "experiment_from_dict",
    "experiment_names",
    "load_experiment",
]

# The vocabularies as tuples of strings, derived from the enums of millicharge.core.vocab
# and kept for modules that still import them; new code uses the enums.
CHANNELS = choices(Channel)
"""Signal channels (:class:`~millicharge.core.vocab.Channel`)."""
MESON_CHANNELS = tuple(str(c) for c in Channel.mesons())
"""The vector-meson channels ρ, ω, φ (:meth:`~millicharge.core.vocab.Channel.mesons`)."""
ENERGY_LOSS_MODELS = choices(EnergyLoss)
"""Muon energy loss in the target (:class:`~millicharge.core.vocab.EnergyLoss`)."""
TRANSPORTS = choices(Transport)
"""``[target] transport`` (:class:`~millicharge.core.vocab.Transport`)."""
MESON_YIELD_SOURCES = choices(MesonSource)
"""``[mesons] source`` (:class:`~millicharge.core.vocab.MesonSource`)."""
