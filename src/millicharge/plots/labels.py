r"""Every text the figures write: axis labels, legend labels, channel names.

Labels that depend on the physics model take the model (its name, e.g. ``"mcp"``: a
millicharged pair, mass m_χ; ``"dark-photon"``: an invisible dark photon, mass m_A', paper
arXiv:2505.04295 Sec. 2; or a :class:`~millicharge.models.base.Model`) and read the
symbols the model declares (:attr:`~millicharge.models.base.Model.mass_label`,
:attr:`~millicharge.models.base.Model.coupling_label`), so a figure never rewrites a label
after drawing it and a new model brings its own labels.

    >>> mass_axis_label("dark-photon")
    "$m_{A'}$ [GeV]"
    >>> mass_label(0.01), mass_label(2.0, "dark-photon")
    ('$m_\\chi$ = 10 MeV', "$m_{A'}$ = 2 GeV")
"""

from __future__ import annotations

from collections.abc import Callable

from millicharge.core.vocab import Channel, parse
from millicharge.models import Model, get_model

__all__ = [
    "E_MISS_LABEL",
    "RATIO_LABEL",
    "SIGMA_LABEL",
    "SPECTRUM_LABEL",
    "channel_label",
    "coupling_axis_label",
    "format_mass_label",
    "mass_axis_label",
    "mass_label",
    "mass_symbol",
]

E_MISS_LABEL = r"$E_\mathrm{miss}$ [GeV]"
SPECTRUM_LABEL = r"$d\sigma/dE_\mathrm{miss}$ [pb/GeV]"
SIGMA_LABEL = r"$\sigma(x_\mathrm{th} \leq x \leq x_\mathrm{max})$ [pb]"
RATIO_LABEL = "ETL / WW"

_PAIR_LABEL: dict[Channel, str] = {
    Channel.BREM: "brem",
    Channel.RHO: r"$\rho\to\chi\bar\chi$",
    Channel.OMEGA: r"$\omega\to\chi\bar\chi$",
    Channel.PHI: r"$\phi\to\chi\bar\chi$",
}
_UNPAIRED_LABEL: dict[str, str] = {"dark-photon": r"$A'\to$ invisible"}
"""Legend name of the signal of a model that radiates no pair (its only channel)."""


def mass_symbol(model: str | Model = "mcp") -> str:
    """The mass symbol of ``model`` (:attr:`~millicharge.models.base.Model.mass_label`)."""
    return get_model(model).mass_label


def mass_axis_label(model: str | Model = "mcp") -> str:
    """The mass axis label of ``model``, in GeV."""
    return f"{mass_symbol(model)} [GeV]"


def coupling_axis_label(model: str | Model = "mcp") -> str:
    """The coupling axis label of ``model`` (ε: charge / e, or the kinetic mixing)."""
    return get_model(model).coupling_label


def mass_label(mass_gev: float, model: str | Model = "mcp") -> str:
    r"""Legend label for a mass of ``model``, in MeV below 1 GeV: ``mass_label(0.01)`` →
    ``'$m_\chi$ = 10 MeV'``."""
    symbol = mass_symbol(model)
    if mass_gev < 1.0:
        return rf"{symbol} = {mass_gev * 1e3:.4g} MeV"
    return rf"{symbol} = {mass_gev:.4g} GeV"


def format_mass_label(fmt: str | Callable[[float], str], mass_gev: float) -> str:
    """``fmt(mass_gev)``, or the format string with fields ``{mass_gev}`` and ``{mass_mev}``."""
    if callable(fmt):
        return fmt(mass_gev)
    return fmt.format(mass_gev=mass_gev, mass_mev=mass_gev * 1e3)


def channel_label(channel: str, model: str | Model = "mcp") -> str:
    """Legend name of a signal channel: ``"brem"``, V → χχ̄ for the vector mesons, and
    A' → invisible for the dark photon (its only channel)."""
    name = get_model(model).name
    if name in _UNPAIRED_LABEL:
        return _UNPAIRED_LABEL[name]
    return _PAIR_LABEL[parse(Channel, channel)]
