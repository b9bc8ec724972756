"""Physics models (mediators) as objects: what is radiated, its threshold, spectral factor,
event-file particles and labels (:class:`~millicharge.models.base.Model`).

Models are **discovered**: every module of this package other than :mod:`.base` that
defines a module-level ``MODEL`` (a :class:`~millicharge.models.base.Model` instance) is
registered at import (:mod:`pkgutil`), ordered by its ``order``. Adding a mediator is one
new module here plus its tests (tests/models/); :data:`MODELS`, :func:`get_model` and the
error messages follow.

    >>> MODELS
    ('mcp', 'dark-photon')
    >>> get_model("dark-photon").threshold(0.3)
    0.3
    >>> get_model("axion")
    Traceback (most recent call last):
    ...
    millicharge.core.errors.InputError: unknown model 'axion': allowed are 'mcp' and 'dark-photon'
"""

from __future__ import annotations

import importlib
import pkgutil

from millicharge.core.errors import InputError
from millicharge.core.validation import show
from millicharge.models.base import LheParticle, Model

__all__ = ["MODELS", "LheParticle", "Model", "allowed_text", "get_model", "registry"]


def _discover() -> dict[str, Model]:
    found: list[Model] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name == "base" or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        model = getattr(module, "MODEL", None)
        if isinstance(model, Model):
            found.append(model)
    found.sort(key=lambda m: (m.order, m.name))
    return {m.name: m for m in found}


_REGISTRY: dict[str, Model] = _discover()

MODELS: tuple[str, ...] = tuple(_REGISTRY)
"""The names of the registered models, default first."""


def registry() -> dict[str, Model]:
    """A copy of name → model for every registered model."""
    return dict(_REGISTRY)


def allowed_text() -> str:
    """``"'mcp' and 'dark-photon'"``: the allowed names for messages."""
    quoted = [repr(n) for n in MODELS]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def get_model(model: str | Model) -> Model:
    """The registered :class:`Model` named ``model`` (a Model is returned as it is).

    Raises :class:`~millicharge.core.errors.InputError` naming the allowed models otherwise.
    """
    if isinstance(model, Model):
        return model
    if isinstance(model, str) and model in _REGISTRY:
        return _REGISTRY[model]
    raise InputError(f"unknown model {show(model)}: allowed are {allowed_text()}")
