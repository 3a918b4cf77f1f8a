"""Curiosity Explorer's page. A thin shell: all behaviour lives in `explorer/` (see explorer.view)."""

from explorer.view.app import main

main()
