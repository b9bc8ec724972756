"""The ``[mesons]`` table of an experiment: typed vector-meson yields or computed ones.

Typed yields N_V hold for one reference setup (the paper's Eq. 7 for LDMX: N_ρ = 6·10¹⁰,
N_ω = 6·10⁹, N_φ = 10⁹ at EOT = 2·10¹⁶); N_V = LOT · f_brem · P_V (paper Eq. 5) is linear
in LOT, so they are rescaled with the leptons on target. Computed yields (paper Eqs. 5–6,
:mod:`millicharge.experiments.mesons`) may replace the shipped photoproduction inputs.
The keys and their rules are declared in :data:`millicharge.experiments.schema.FIELDS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from millicharge.core.errors import InputError
from millicharge.core.vocab import Channel, MesonSource
from millicharge.experiments.schema import check, check_rules

__all__ = ["MESON_REFERENCE", "MesonYields"]

MESON_REFERENCE = ("reference_energy_gev", "reference_material", "reference_thickness_x0",
                   "reference_x_min")
"""The keys that record the setup typed yields hold for."""

_MESONS = tuple(str(c) for c in Channel.mesons())
_TYPED = ("reference_lot", "n_rho", "n_omega", "n_phi", *MESON_REFERENCE)


@dataclass(frozen=True)
class MesonYields:
    """The ``[mesons]`` table: typed yields N_V for a reference setup, or computed ones.

    Typed (``source`` ``"paper-eq7"`` or ``"typed"``): N_V at ``reference_lot`` leptons on
    target (paper Eq. 7); N_V = LOT · f_brem · P_V (paper Eq. 5) is linear in LOT, so the
    yield for another LOT is N_V · LOT / ``reference_lot``. A meson with no yield is
    ``None``. The ``reference_*`` fields record the setup the yields hold for; an
    :class:`~millicharge.experiments.config.Experiment` refuses typed yields whose setup
    is not its own.
    Computed (``source = "computed"``): no yields; ``sigma0_ub`` and ``f_nuc`` ((meson,
    value) pairs) replace the shipped photoproduction inputs of paper Eq. 6.
    """

    reference_lot: float | None = None
    n_rho: float | None = None
    n_omega: float | None = None
    n_phi: float | None = None
    source: str = "typed"
    reference_energy_gev: float | None = None
    reference_material: str | None = None
    reference_thickness_x0: float | None = None
    reference_x_min: float | None = None
    sigma0_ub: tuple[tuple[str, float], ...] = ()
    f_nuc: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        check("mesons.source", self.source)
        object.__setattr__(self, "source", str(MesonSource(self.source)))
        for name, pairs in (("sigma0_ub", self.sigma0_ub), ("f_nuc", self.f_nuc)):
            for meson, value in pairs:
                key = f"mesons.{name}_{meson}"
                if meson not in _MESONS:
                    raise InputError(f"{key} must be a positive number, got {value!r}")
                check(key, value)
        if self.source == MesonSource.COMPUTED:
            typed = [k for k in _TYPED if getattr(self, k) is not None]
            if typed:
                raise InputError(f"mesons.{typed[0]} is for typed yields; with source ="
                                 " 'computed' N_V comes from paper Eqs. 5-6 (remove it)")
            return
        if self.sigma0_ub or self.f_nuc:
            key = "sigma0_ub" if self.sigma0_ub else "f_nuc"
            raise InputError(f"mesons.{key}_* is for source = 'computed'; typed yields"
                             f" ({self.source!r}) do not use it")
        check("mesons.reference_lot", self.reference_lot)
        check_rules(self, "mesons", skip=("source",))

    def sigma0_ub_for(self, meson: str) -> float | None:
        """σ₀ (μb) given for ``meson`` (computed yields), or None."""
        return dict(self.sigma0_ub).get(meson)

    def f_nuc_for(self, meson: str) -> float | None:
        """f_nuc given for ``meson`` (computed yields), or None."""
        return dict(self.f_nuc).get(meson)

    def scaled(self, meson: str, leptons_on_target: float) -> float:
        """N_V for ``leptons_on_target`` (paper Eq. 5: N_V ∝ LOT).

        >>> MesonYields(2e16, n_rho=6e10).scaled("rho", 1e16)
        30000000000.0
        """
        if meson not in _MESONS:
            raise InputError(f"unknown meson {meson!r}: allowed are {', '.join(_MESONS)}")
        n = getattr(self, f"n_{meson}")
        if n is None or self.reference_lot is None:
            raise InputError(f"no yield n_{meson} given in [mesons]")
        return float(n) * leptons_on_target / self.reference_lot
