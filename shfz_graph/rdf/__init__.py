"""RDF in and out: the one RDF writer (`export`), and JSON-LD that never fetches a remote context
(`jsonld`)."""
