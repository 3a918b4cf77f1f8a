"""Bring your own graph: read foreign formats into our schema, and write the graph back out.

Readers (`read_csv`, `read_xml`, `read_obsidian`, `read_native`) turn a file into a `RawGraph`
of nodes and edges with their attributes as written and where each came from; `mapping` (pure)
turns that into the documents of a graph folder, naming every problem with its file, line and
column; `importer` validates those documents with the same loader `explorer validate` uses and
writes the folder only when everything is valid. `export` and `html` write a `Graph` out again.
"""
