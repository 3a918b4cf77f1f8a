"""The limits of an import, apart from the loader's (`explorer.domain.loader`), which still
applies to what an import writes: these stop a hostile or broken file before it is parsed.

Kept here until the loader's own limits module settles; `docs/FORMATS.md` lists them.
"""

from __future__ import annotations

MAX_FILE_BYTES = 20_000_000  # one source file (a CSV, a GraphML, one note)
MAX_TOTAL_BYTES = 100_000_000  # everything one import reads (a whole vault)
MAX_UPLOAD_BYTES = 5_000_000  # a file uploaded in the app
MAX_NODES = 200_000  # the loader's MAX_CONCEPTS
MAX_EDGES = 1_000_000
MAX_NOTES = 20_000  # notes in one Obsidian vault
MAX_CELL_CHARS = 20_000  # any one attribute value, before field limits apply
MAX_EXTRA_KEYS = 50  # attributes kept in `extra` per concept (the loader's limit)
MAX_XML_DEPTH = 64  # nesting of a GraphML or GEXF document
