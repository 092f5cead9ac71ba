"""Other graphs: remote endpoints and stores (`remote`, `httpclient`, `services`, `ntriples`) and links to
Wikidata (`candidates`, `linking`)."""
