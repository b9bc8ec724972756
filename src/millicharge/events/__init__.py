"""Unweighted events of the exact matrix element, written as Les Houches files."""
