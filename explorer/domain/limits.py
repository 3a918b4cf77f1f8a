"""Every input limit in one place: what a graph folder, a YAML file and a query may hold.

A graph folder may come from someone else, so each limit bounds what reading it can cost before the
cost is paid: sizes are checked on disk before a file is read, YAML nodes and nesting while the
file is parsed (before anything is built from it), counts after. The curated graph (548 concepts,
1.5 MB in 18 files) sits far inside each of them. The README's "Bringing your own graph" section
lists them for authors; change them here only.
"""

from __future__ import annotations

# --- files and folders (checked on disk, before reading) --------------------------------------
MAX_FILE_BYTES = 5_000_000  # one YAML file
MAX_FOLDER_BYTES = 20_000_000  # all source files of a graph together (13× the curated graph)
MAX_SOURCE_FILES = 1_000  # concept and decision files of a graph

# --- YAML structure (checked while parsing) ---------------------------------------------------
# Nodes a file may expand to, counting every use of an alias (`*name`) as a copy of what it
# names: a few hundred bytes of nested aliases ("billion laughs") would otherwise expand to
# billions of nodes. A 5 MB file written out in full has well under a million.
MAX_YAML_NODES = 1_000_000
# Nesting of sequences and mappings: a graph file needs 5 levels (list → concept → requires →
# link → value); 5,000 nested `[` would exhaust Python's stack in the parser.
MAX_YAML_DEPTH = 32

# --- the graph (checked after reading) --------------------------------------------------------
MAX_CONCEPTS = 50_000
MAX_DECISIONS = 20_000
MAX_PROBLEMS = 1_000  # problems listed by one validation; the rest are counted

# Characters per text field.
TEXT_LIMITS = {"id": 80, "name": 120, "alias": 120, "summary": 1_200, "hook": 600,
               "details": 20_000, "symptom": 300, "why": 600, "title": 400, "url": 2_000,
               "text": 600, "extra": 2_000}
MAX_EXTRA_KEYS = 50  # foreign attributes kept per concept (`extra`, from imports)

# --- imports of foreign formats (docs/FORMATS.md; checked before a file is parsed) ------------
# What an import writes must then pass every limit above; these stop a hostile or broken CSV,
# GraphML, GEXF or vault before parsing it costs anything. Nodes are bounded by MAX_CONCEPTS.
IMPORT_FILE_BYTES = 20_000_000  # one source file (a CSV, a GraphML, one note)
IMPORT_TOTAL_BYTES = 100_000_000  # everything one import reads (a whole vault)
MAX_UPLOAD_BYTES = 5_000_000  # a file uploaded in the page
MAX_EDGES = 1_000_000
MAX_NOTES = 20_000  # notes in one Obsidian vault
MAX_CELL_CHARS = 20_000  # any one attribute value, before the field limits apply
MAX_XML_DEPTH = 64  # nesting of a GraphML or GEXF document

# --- queries --------------------------------------------------------------------------------
# Longer search queries are cut here (the model reads 256 tokens at most anyway) and the search
# result says so.
MAX_QUERY_CHARS = 512
