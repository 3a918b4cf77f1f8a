"""Curiosity Explorer's page: a thin shell; all behaviour lives in `explorer/` (explorer.web)."""

from explorer.web.app import main

main()
