"""From files to a graph and a store: `sources` (which files, their hash, parsing), `stores` (rdflib
datasets), `querystore` (the on-disk Oxigraph store the workers read) and `validation` (SHACL)."""
