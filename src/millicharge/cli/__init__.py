"""The ``millicharge`` command line."""
