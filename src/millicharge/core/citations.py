"""The BibTeX registry, and the reference keys each kind of result rests on (cf. flavio).

Results carry their references: :class:`~millicharge.core.results.CrossSection`,
:class:`~millicharge.core.results.Spectrum`, the reach and scan tables have a
``citations`` tuple of keys of :data:`BIBTEX`, derived from what they were computed with
(method, form factor, statistics, transport), so a result from a worker process or a dask
cluster carries its own. :func:`collect` gathers the keys of several results and
:func:`bibtex` prints them; the command line's ``--cite`` prints those of the results the
command produced. There is no run-wide record: what a result rests on is its own.

    >>> collect(*[type("R", (), {"citations": k})() for k in (("a", "b"), ("b", "c"))])
    ['a', 'b', 'c']
    >>> cross_section_keys("ww", "elastic")
    ('gninenko2025', 'kim-tsai1973')
    >>> bibtex(["lepage2021"]).splitlines()[0]
    '@article{Lepage:2020tgj,'
"""

from __future__ import annotations

from collections.abc import Sequence

from millicharge._version import __version__

__all__ = [
    "BIBTEX",
    "SHOWER_KEYS",
    "SOFTWARE_KEYS",
    "STATISTICS_KEYS",
    "bibtex",
    "collect",
    "cross_section_keys",
]

BIBTEX: dict[str, str] = {
    "millicharge2026": """@software{millicharge2026,
  author = {{The millicharge developers}},
  title = {millicharge: exact tree-level reach of lepton fixed-target missing-energy
           experiments for millicharged particles},
  year = {2026},
  version = {""" + __version__ + """},
  license = {BSD-3-Clause},
  note = {See CITATION.cff in the source distribution}
}""",
    "gninenko2025": """@article{Gninenko:2025mcp,
  author = {Gninenko, S. N. and Krasnikov, N. V. and Kuleshov, S. and Lyubovitskij, V. E. and
            Crivelli, P. and Kirpichnikov, D. V. and Molina Bueno, L. and Zhevlakov, A. S. and
            Sieber, H. and Voronchikhin, I. V.},
  title = {Probing millicharged particles with {NA64$\\mu$} and {LDMX}},
  year = {2025},
  eprint = {2505.04295}, archivePrefix = {arXiv}, primaryClass = {hep-ph}
}""",
    "lepage2021": """@article{Lepage:2020tgj,
  author = {Lepage, G. Peter},
  title = {Adaptive multidimensional integration: vegas enhanced},
  journal = {J. Comput. Phys.}, volume = {439}, pages = {110386}, year = {2021},
  eprint = {2009.05112}, archivePrefix = {arXiv}
}""",
    "kim-tsai1973": """@article{Kim:1973he,
  author = {Kim, K. J. and Tsai, Y.-S.},
  title = {Improved Weizsacker-Williams method and its application to lepton and W-boson
           pair production},
  journal = {Phys. Rev. D}, volume = {8}, pages = {3109}, year = {1973}
}""",
    "tsai1974": """@article{Tsai:1973py,
  author = {Tsai, Yung-Su},
  title = {Pair Production and Bremsstrahlung of Charged Leptons},
  journal = {Rev. Mod. Phys.}, volume = {46}, pages = {815}, year = {1974}
}""",
    "rossi1941": """@article{RossiGreisen1941,
  author = {Rossi, Bruno and Greisen, Kenneth},
  title = {Cosmic-Ray Theory},
  journal = {Rev. Mod. Phys.}, volume = {13}, pages = {240--309}, year = {1941}
}""",
    "bjorken2009": """@article{Bjorken:2009mm,
  author = {Bjorken, James D. and Essig, Rouven and Schuster, Philip and Toro, Natalia},
  title = {New Fixed-Target Experiments to Search for Dark Gauge Forces},
  journal = {Phys. Rev. D}, volume = {80}, pages = {075018}, year = {2009},
  eprint = {0906.0580}, archivePrefix = {arXiv}
}""",
    "cousins-highland1992": """@article{CousinsHighland1992,
  author = {Cousins, Robert D. and Highland, Virgil L.},
  title = {Incorporating systematic uncertainties into an upper limit},
  journal = {Nucl. Instrum. Meth. A}, volume = {320}, pages = {331--335}, year = {1992}
}""",
    "cousins2008": """@article{CousinsLinnemannTucker2008,
  author = {Cousins, Robert D. and Linnemann, James T. and Tucker, Jordan},
  title = {Evaluation of three methods for calculating statistical significance when
           incorporating a systematic uncertainty into a test of the background-only
           hypothesis for a {P}oisson process},
  journal = {Nucl. Instrum. Meth. A}, volume = {595}, pages = {480--501}, year = {2008},
  eprint = {physics/0702156}, archivePrefix = {arXiv}
}""",
    "schuster2022": """@article{Schuster:2021mlr,
  author = {Schuster, Philip and Toro, Natalia and Zhou, Kevin},
  title = {Interpreting electron-nuclear scattering with invisible vector mesons},
  journal = {Phys. Rev. D}, volume = {105}, pages = {035036}, year = {2022},
  eprint = {2112.02104}, archivePrefix = {arXiv}
}""",
}

SOFTWARE_KEYS: tuple[str, ...] = ("millicharge2026", "gninenko2025")
"""The software itself and the paper it reproduces: cite both whenever it is used."""

METHOD_KEYS: dict[str, str] = {"etl": "lepage2021", "ww": "kim-tsai1973"}
"""The reference of each cross-section method: VEGAS for the exact tree level (ETL), the
improved Weizsäcker–Williams approximation (WW)."""

INELASTIC_KEYS: tuple[str, ...] = ("tsai1974", "bjorken2009")
"""The inelastic atomic form factor (``form_factor="elastic+inelastic"``)."""

STATISTICS_KEYS: tuple[str, ...] = ("cousins-highland1992", "cousins2008")
"""Upper limits with the background uncertainty marginalised
(:mod:`millicharge.limits.statistics`)."""

SHOWER_KEYS: tuple[str, ...] = ("rossi1941", "tsai1974")
"""The electron shower's track length (:mod:`millicharge.transport.shower`)."""


def cross_section_keys(method: str, form_factor: str = "elastic") -> tuple[str, ...]:
    """The references of a cross section computed with ``method`` and ``form_factor``."""
    keys = ["gninenko2025"]
    if str(method) in METHOD_KEYS:
        keys.append(METHOD_KEYS[str(method)])
    if str(form_factor) == "elastic+inelastic":
        keys += INELASTIC_KEYS
    return tuple(keys)


def collect(*results: object) -> list[str]:
    """The ``citations`` of ``results`` (anything with that attribute, or lists of such),
    each key once, in order of first appearance."""
    out: list[str] = []
    for result in results:
        items = result if isinstance(result, list | tuple) else [result]
        for item in items:
            for key in getattr(item, "citations", ()):
                if key not in out:
                    out.append(key)
    return out


def bibtex(keys: Sequence[str]) -> str:
    """BibTeX of ``keys`` (of :data:`BIBTEX`), in their order, separated by blank lines.

    >>> bibtex(["no-such-paper"])
    Traceback (most recent call last):
    ...
    KeyError: "no reference 'no-such-paper' in the citation registry"
    """
    missing = [k for k in keys if k not in BIBTEX]
    if missing:
        raise KeyError(f"no reference {missing[0]!r} in the citation registry")
    return "\n\n".join(BIBTEX[k] for k in keys)
