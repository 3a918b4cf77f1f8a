"""Curiosity Explorer's page: a thin shell; all behaviour lives in `explorer/` (explorer.view)."""

from explorer.view.app import main

main()
