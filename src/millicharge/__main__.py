"""``python -m millicharge`` runs the command line."""

from millicharge.cli import main

main()
