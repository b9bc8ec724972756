"""``python -m millicharge`` runs the command line."""

from millicharge.cli.main import main

main()
