"""Queries without processes: the guard (`guard`), rdflib's in-process engine (`engine`), parameters bound as
terms (`binding`), answers as a `Result` (`results`) and finding a thing by name (`lookup`)."""
