"""Running many points: the on-disk cache, the executors (serial, local processes,
dask), grids of cross sections, progress bars and clean interrupts."""
