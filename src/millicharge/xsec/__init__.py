"""Cross sections: the exact tree-level integrand with VEGAS (:mod:`.etl`, compiled
kernels in :mod:`.kernels`), the Weizsäcker–Williams approximation (:mod:`.ww`, photon flux
in :mod:`.flux`) and the public functions :func:`~millicharge.xsec.api.cross_section` and
:func:`~millicharge.xsec.api.spectrum`."""
