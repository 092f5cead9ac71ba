"""shfz-graph: the linked-data knowledge graph of Shanghai's Pilot Free Trade Zone and its linked innovation zones."""

__version__ = "0.1.0"
