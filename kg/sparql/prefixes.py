"""The prefixes predeclared for every query, as plain strings.

The same table as ``kg.namespaces.PREFIXES`` (a test keeps them equal), kept
here so that ``kg query`` need not import rdflib, which kg.namespaces builds its
namespaces with: that import is a quarter of a cold query's time.
"""

from __future__ import annotations

BASE = "https://w3id.org/zhengfa-kg/"

PREFIXES: dict[str, str] = {
    "zf": BASE + "def/",
    "zfr": BASE + "id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "zfs": BASE + "shapes/",
    "wd": "http://www.wikidata.org/entity/",
}
