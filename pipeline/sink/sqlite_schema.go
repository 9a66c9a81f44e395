package sink

import (
	"fmt"
	"strings"
)

// sqliteFormat names the layout of the tables; a database written with
// another layout is refused like one of another schema.
const sqliteFormat = "quarry-sqlite/1"

// sqlTable is one table of the database: records, a child table per array
// of objects, or evidence.
type sqlTable struct {
	name    string   // SQL table name
	lay     *table   // its layout (columns, keys); nil for records' lead columns
	keys    []string // key column names (child tables)
	columns []string // field column names, unique, in lay.columns order
	parent  *sqlTable
}

// sqlType is the STRICT column type of a layout column.
func sqlType(k colKind) string {
	switch k {
	case colInteger, colBool:
		return "INTEGER"
	case colNumber:
		return "REAL"
	}
	return "TEXT"
}

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteIdent(n)
	}
	return strings.Join(q, ", ")
}

// recordLead are the columns before the record's fields in records.
var recordLead = []struct{ name, decl string }{
	{"id", "TEXT PRIMARY KEY NOT NULL"},
	{"status", "TEXT NOT NULL"},
	{"error", "TEXT"},
	{"source", "TEXT"},
	{"row", "INTEGER"},
	{"page", "INTEGER"},
	{"attempts", "INTEGER NOT NULL"},
	{"input_tokens", "INTEGER NOT NULL"},
	{"cached_tokens", "INTEGER NOT NULL"},
	{"output_tokens", "INTEGER NOT NULL"},
	{"reasoning_tokens", "INTEGER NOT NULL"},
	{"model", "TEXT"},
	{"started", "TEXT"},
	{"finished", "TEXT"},
	{"simulated", "INTEGER NOT NULL"},
}

// recordTrail are the columns after the record's fields.
var recordTrail = []struct{ name, decl string }{
	{"raw_value", "TEXT"}, // the record as JSON when a value did not fit, or an answer that is not JSON
	{"unfit", "TEXT"},     // JSON array of the pointers of values that did not fit
	{"input", "TEXT"},     // JSON object of the source row's original columns
	{"meta", "TEXT"},      // JSON object of the document's metadata
}

// ddl returns the statements that create the database.
func (s *SQLite) ddl() []string {
	var stmts []string
	var cols []string
	for _, c := range recordLead {
		cols = append(cols, quoteIdent(c.name)+" "+c.decl)
	}
	for i, c := range s.records.lay.columns {
		cols = append(cols, quoteIdent(s.records.columns[i])+" "+sqlType(c.kind))
	}
	for i, c := range recordTrail {
		cols = append(cols, quoteIdent(s.trail[i])+" "+c.decl)
	}
	stmts = append(stmts, fmt.Sprintf("CREATE TABLE records (\n  %s\n) STRICT", strings.Join(cols, ",\n  ")))
	for _, t := range append(append([]*sqlTable(nil), s.children...), s.evidence) {
		stmts = append(stmts, s.childDDL(t)...)
	}
	stmts = append(stmts,
		`CREATE VIEW errors AS SELECT id, status, error, source, row, page, attempts, model, finished FROM records WHERE status != 'ok'`,
		`CREATE TABLE runs (
  run INTEGER PRIMARY KEY AUTOINCREMENT,
  model TEXT, instructions TEXT, schema TEXT, simulated INTEGER NOT NULL,
  started TEXT, ended TEXT, wall_seconds REAL,
  documents INTEGER NOT NULL, ok INTEGER NOT NULL, invalid INTEGER NOT NULL, refused INTEGER NOT NULL,
  incomplete INTEGER NOT NULL, error INTEGER NOT NULL, skipped INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL, cached_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL, requests INTEGER NOT NULL, rate_limited INTEGER NOT NULL,
  cost_usd REAL
) STRICT`,
		`CREATE TABLE quarry_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT`,
	)
	return stmts
}

// childDDL creates a child table: its keys are the record id, the indexes
// of the enclosing array elements and its own index; a foreign key points
// to the parent row.
func (s *SQLite) childDDL(t *sqlTable) []string {
	var cols []string
	for i, k := range t.keys {
		decl := "INTEGER NOT NULL"
		if i == 0 {
			decl = "TEXT NOT NULL"
		}
		cols = append(cols, quoteIdent(k)+" "+decl)
	}
	for i, c := range t.lay.columns {
		cols = append(cols, quoteIdent(t.columns[i])+" "+sqlType(c.kind))
	}
	cols = append(cols, "PRIMARY KEY ("+quoteAll(t.keys)+")")
	if t.parent == nil {
		cols = append(cols, "FOREIGN KEY (record_id) REFERENCES records (id) ON DELETE CASCADE")
	} else {
		fk := t.keys[:len(t.keys)-1]
		cols = append(cols, fmt.Sprintf("FOREIGN KEY (%s) REFERENCES %s (%s) ON DELETE CASCADE",
			quoteAll(fk), quoteIdent(t.parent.name), quoteAll(t.parent.keys)))
	}
	return []string{fmt.Sprintf("CREATE TABLE %s (\n  %s\n) STRICT", quoteIdent(t.name), strings.Join(cols, ",\n  "))}
}
