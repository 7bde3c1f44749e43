"""Node types: one module each, registered in :mod:`components.catalogue`."""
