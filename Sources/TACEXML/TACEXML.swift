// TACEXML: a hardened XML layer over libxml2 (tree + XPath), knowing nothing of CDA.
//
// Decisions, in one place (details on each declaration):
//
// - Parse options: NONET | NOCDATA | COMPACT | BIG_LINES. Never NOENT (entity
//   substitution, which also loads external entities), DTDLOAD / DTDATTR /
//   DTDVALID (external DTDs), XINCLUDE, HUGE (lifts libxml2's limits) or RECOVER.
// - A deny-all external entity loader is installed once per process.
// - `<!DOCTYPE` refused by default (XMLLimits.allowDoctype = false), in the SAX
//   callback that sees it, before any declaration inside it is read. When allowed,
//   entity declarations are still refused. So: no billion laughs, no quadratic
//   blowup, no XXE, no parameter entities, no external DTD - by construction,
//   not by libxml2's amplification heuristics.
// - Limits checked while parsing (SAX hooks): input size (256 MiB), depth (256),
//   elements + attributes (10 million), character data between tags (10 MB).
//   libxml2 itself caps attribute values, comments and PIs at 10 MB and names at 50 kB.
// - Errors: structured records from the parser context's own handler (never the
//   global stderr printer), with line and column; the text is ours, chosen by
//   libxml2's numeric code, since libxml2's messages quote document content.
// - Not namespace-well-formed input (C-CDA fragments with an unbound `xsi:`
//   prefix) is accepted: libxml2 builds the tree anyway and the namespace errors
//   become `XMLDocument.warnings`. `XMLNamespaceRepair` optionally binds such names
//   so the same `hl7:` XPaths work on fragments and on full documents.
// - Memory: a parse holds a copy of the input inside libxml2 while it runs, and
//   the tree costs about 170 bytes per element or attribute - about 10 times the
//   input for attribute-dense CDA (measured: 51 MB in, 503 MB of tree). The
//   default maxNodes (10 million) therefore bounds a tree at about 1.7 GB; lower
//   it where memory is tighter.
// - Threads: libxml2 is initialised once; separate documents may be parsed and
//   queried in parallel. One `XMLDocument` is not `Sendable`: use it in one task.
