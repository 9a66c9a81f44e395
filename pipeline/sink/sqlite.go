package sink

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go

	"github.com/seed0611af48/quarry/internal/jsonptr"
	"github.com/seed0611af48/quarry/internal/ojson"
	"github.com/seed0611af48/quarry/pipeline"
)

// ErrSchemaChanged is wrapped by the error [Open] returns for an existing
// SQLite database that was written for another record schema: its tables
// cannot hold the new records, so it is left untouched.
var ErrSchemaChanged = errors.New("sink: sqlite: the database cannot take these records")

// SQLiteBatch is how many documents one SQLite transaction writes at most.
// A transaction is also committed when a second has passed since the last,
// so a reader sees a slow run progress.
const SQLiteBatch = 1000

// SQLite writes the outcomes into a SQLite database. Create one with
// [NewSQLite] or [Open].
//
// # Tables
//
//   - records: one row per document, keyed by id: the outcome (status,
//     error, source, row, page, attempts, tokens, model, started, finished,
//     simulated), one typed column per flattened field of the record (as in
//     CSV: "address.city"), then raw_value, unfit (a JSON array of pointers),
//     input (the source row's original columns as a JSON object) and meta.
//   - one table per array of objects ("lines", "lines.taxes"), keyed by
//     record_id, the indexes of enclosing elements and index, with a
//     foreign key to the parent row.
//   - evidence: one row per evidence item (record_id, index, pointer, value,
//     quote, page, start, end, match, score, verdict, reason, boxes).
//   - errors: a view of the records whose status is not ok.
//   - runs: one row per run or export written into the file: model,
//     instructions, schema, totals by status, tokens, requests and cost.
//   - quarry_meta: the schema the tables were made for.
//
// Tables are STRICT: integer fields are INTEGER, numbers REAL, booleans
// INTEGER 0/1, dates and date-times TEXT (ISO 8601, date-times in UTC, which
// SQLite's date functions read), lists of scalars and open values JSON text.
// A value that does not fit its column is null, its pointer in unfit and
// the record's JSON in raw_value, as in the Parquet output.
//
// # Re-running and resuming
//
// Writing into an existing database updates it in place: a document's row
// is replaced by id and its child and evidence rows rewritten, so a resumed
// or repeated run, or an export, leaves no duplicates. A document skipped
// without an earlier result (not sent because of --limit or a budget) does
// not overwrite a row that exists. A database made for another schema is
// refused with an error wrapping [ErrSchemaChanged].
//
// Writes are batched into transactions ([SQLiteBatch]); the database is in
// WAL mode, so other processes can read it while a run writes.
type SQLite struct {
	db         *sql.DB
	tx         *sql.Tx
	stmts      map[string]*sql.Stmt // prepared on the database
	txStmts    map[string]*sql.Stmt // the same, bound to tx
	lay        *layout
	records    *sqlTable
	trail      []string
	children   []*sqlTable
	evidence   *sqlTable
	evLay      *layout
	byLayout   map[*table]*sqlTable
	simulated  bool
	cost       func(pipeline.Usage) (float64, bool)
	log        *slog.Logger
	pending    int
	lastCommit time.Time
	batch      int
	closed     bool
	args       []any
	unfit      []string
	rows       []sqlRow
	now        func() time.Time // the clock deciding timed commits
}

// NewSQLite opens (creating if needed) the SQLite database at path for
// records of the given strict JSON Schema.
func NewSQLite(path string, schemaJSON []byte, opts Options) (*SQLite, error) {
	return newSQLite(path, schemaJSON, opts, SQLiteBatch)
}

func newSQLite(path string, schemaJSON []byte, opts Options, batch int) (*SQLite, error) {
	root, err := parseSchema(schemaJSON)
	if err != nil {
		return nil, err
	}
	lay, err := newLayout(root, opts.maxDepth())
	if err != nil {
		return nil, err
	}
	evRoot, err := parseSchema([]byte(evidenceSchema))
	if err != nil {
		panic(err) // a constant
	}
	evLay, err := newLayout(itemsOf(deref(evRoot)), 1)
	if err != nil {
		panic(err)
	}
	s := &SQLite{
		lay: lay, evLay: evLay, simulated: opts.Simulated, cost: opts.Cost, log: opts.logger(),
		batch: batch, now: time.Now, lastCommit: time.Now(), byLayout: map[*table]*sqlTable{}, stmts: map[string]*sql.Stmt{}, txStmts: map[string]*sql.Stmt{},
	}
	s.tables()

	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sink: sqlite: %w", err)
	}
	db.SetMaxOpenConns(1)
	s.db = db
	if err := s.prepare(path, string(compactJSON(schemaJSON))); err != nil {
		db.Close()
		if errors.Is(err, ErrSchemaChanged) {
			return nil, err
		}
		return nil, fmt.Errorf("sink: sqlite: %s: %w", path, err)
	}
	return s, nil
}

// tables names the tables and their columns.
func (s *SQLite) tables() {
	reserved := []string{"records", "errors", "runs", "evidence", "quarry_meta"}
	var names []string
	for _, t := range s.lay.tables {
		names = append(names, t.name)
	}
	unique := uniqueNames(append(reserved, names...))[len(reserved):]

	var lead []string
	for _, c := range recordLead {
		lead = append(lead, c.name)
	}
	var trail []string
	for _, c := range recordTrail {
		trail = append(trail, c.name)
	}
	fields := make([]string, len(s.lay.main.columns))
	for i, c := range s.lay.main.columns {
		fields[i] = c.name
	}
	all := uniqueNames(append(append(lead, trail...), fields...))
	s.trail = all[len(lead) : len(lead)+len(trail)]
	s.records = &sqlTable{name: "records", lay: s.lay.main, columns: all[len(lead)+len(trail):]}
	s.byLayout[s.lay.main] = s.records

	for i, t := range s.lay.tables {
		st := childTable(unique[i], t)
		s.children = append(s.children, st)
		s.byLayout[t] = st
	}
	for _, t := range s.lay.tables {
		for _, c := range t.children {
			s.byLayout[c].parent = s.byLayout[t]
		}
	}
	s.evidence = childTable("evidence", s.evLay.main)
	s.evidence.keys = []string{"record_id", "index"}
}

func childTable(name string, t *table) *sqlTable {
	fields := make([]string, len(t.columns))
	for i, c := range t.columns {
		fields[i] = c.name
	}
	keys := t.keys
	if len(keys) == 0 {
		keys = []string{"record_id", "index"}
	}
	all := uniqueNames(append(append([]string(nil), keys...), fields...))
	return &sqlTable{name: name, lay: t, keys: all[:len(keys)], columns: all[len(keys):]}
}

// prepare checks or creates the tables and prepares the statements.
func (s *SQLite) prepare(path, schemaText string) error {
	ctx := context.Background()
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'quarry_meta'`).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		var others int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&others); err != nil {
			return err
		}
		if others > 0 {
			return fmt.Errorf("%w: %s has tables Quarry did not make; write to a new file", ErrSchemaChanged, path)
		}
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for _, stmt := range s.ddl() {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return fmt.Errorf("%w\n%s", err, stmt)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO quarry_meta (key, value) VALUES ('format', ?), ('schema', ?), ('created', ?)`,
			sqliteFormat, schemaText, time.Now().UTC().Format(time.RFC3339)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	} else {
		var format, old string
		if err := s.db.QueryRowContext(ctx, `SELECT
			(SELECT value FROM quarry_meta WHERE key = 'format'),
			(SELECT value FROM quarry_meta WHERE key = 'schema')`).Scan(&format, &old); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrSchemaChanged, path, err)
		}
		if format != sqliteFormat {
			return fmt.Errorf("%w: %s has tables in format %q, not %q; write to a new file", ErrSchemaChanged, path, format, sqliteFormat)
		}
		if old != schemaText {
			return fmt.Errorf("%w: %s was made for another record schema; write to a new file (or delete it) to change the schema", ErrSchemaChanged, path)
		}
	}
	return s.prepareStatements()
}

func (s *SQLite) prepareStatements() error {
	add := func(key, q string) error {
		st, err := s.db.Prepare(q)
		if err != nil {
			return fmt.Errorf("%w\n%s", err, q)
		}
		s.stmts[key] = st
		return nil
	}
	var cols []string
	for _, c := range recordLead {
		cols = append(cols, c.name)
	}
	cols = append(append(cols, s.records.columns...), s.trail...)
	var set []string
	for _, c := range cols[1:] {
		set = append(set, quoteIdent(c)+" = excluded."+quoteIdent(c))
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	if err := add("upsert", fmt.Sprintf("INSERT INTO records (%s) VALUES (%s) ON CONFLICT (id) DO UPDATE SET %s",
		quoteAll(cols), marks, strings.Join(set, ", "))); err != nil {
		return err
	}
	if err := add("insert-new", fmt.Sprintf("INSERT INTO records (%s) VALUES (%s) ON CONFLICT (id) DO NOTHING", quoteAll(cols), marks)); err != nil {
		return err
	}
	for _, t := range append(append([]*sqlTable(nil), s.children...), s.evidence) {
		all := append(append([]string(nil), t.keys...), t.columns...)
		if err := add("insert "+t.name, fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", quoteIdent(t.name), quoteAll(all),
			strings.TrimSuffix(strings.Repeat("?, ", len(all)), ", "))); err != nil {
			return err
		}
		if err := add("delete "+t.name, fmt.Sprintf("DELETE FROM %s WHERE record_id = ?", quoteIdent(t.name))); err != nil {
			return err
		}
	}
	return nil
}

// stmt returns a prepared statement inside the open transaction, beginning
// one if needed.
func (s *SQLite) stmt(key string) (*sql.Stmt, error) {
	if s.tx == nil {
		tx, err := s.db.Begin()
		if err != nil {
			return nil, err
		}
		s.tx = tx
	}
	st, ok := s.txStmts[key]
	if !ok {
		st = s.tx.Stmt(s.stmts[key])
		s.txStmts[key] = st
	}
	return st, nil
}

func (s *SQLite) exec(key string, args ...any) (sql.Result, error) {
	st, err := s.stmt(key)
	if err != nil {
		return nil, err
	}
	return st.Exec(args...)
}

// Write writes one outcome: its records row, child rows and evidence.
func (s *SQLite) Write(o *pipeline.Outcome) error {
	if s.closed {
		return ErrClosed
	}
	if err := s.write(o); err != nil {
		return fmt.Errorf("sink: sqlite: %s: %w", o.ID, err)
	}
	s.pending++
	if s.pending >= s.batch || s.now().Sub(s.lastCommit) >= time.Second {
		return s.commit()
	}
	return nil
}

func (s *SQLite) write(o *pipeline.Outcome) error {
	var v ojson.Value
	var raw any
	present := false
	if len(o.Value) > 0 {
		if d, err := parseJSON(o.Value); err == nil {
			v, present = s.lay.record(d), true
		} else {
			raw = string(o.Value)
		}
	}
	s.unfit = s.unfit[:0]
	args := append(s.args[:0],
		o.ID, string(o.Status), nullText(o.Reason), nullText(o.Source), nullInt(o.Row), nullInt(o.Page),
		int64(o.Attempts), o.Usage.InputTokens, o.Usage.CachedTokens, o.Usage.OutputTokens, o.Usage.ReasoningTokens,
		nullText(o.Model), nullTime(o.Started), nullTime(o.Finished), boolInt(s.simulated))
	args = s.fields(args, s.lay.main, v, "")
	s.rows = s.rows[:0]
	if present {
		s.childRows(s.lay.main, v, []any{o.ID}, "")
	}
	if len(s.unfit) > 0 {
		raw = string(ojson.Append(nil, &v))
		if s.lay.wrap {
			raw = string(ojson.Append(nil, &v.Members[0].Value))
		}
		s.log.Warn("sink: sqlite: values that do not fit their column are null; the record is kept in raw_value",
			"record", o.ID, "pointers", s.unfit)
	}
	var unfit, input, meta any
	if len(s.unfit) > 0 {
		b, _ := json.Marshal(s.unfit)
		unfit = string(b)
	}
	if len(o.Columns) > 0 {
		obj := ojson.Value{Kind: ojson.Object}
		for _, c := range o.Columns {
			obj.Members = append(obj.Members, ojson.Member{Key: c.Name, Value: ojson.Str(c.Value)})
		}
		input = string(ojson.Append(nil, &obj))
	}
	if len(o.Meta) > 0 {
		b, _ := json.Marshal(o.Meta)
		meta = string(b)
	}
	args = append(args, raw, unfit, input, meta)
	s.args = args

	if o.Status == pipeline.StatusSkipped && o.EarlierStatus == "" {
		// Not sent in this run and no earlier result: record it only if
		// the document is new to the database.
		res, err := s.exec("insert-new", args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
	} else if _, err := s.exec("upsert", args...); err != nil {
		return err
	}
	for _, t := range append(append([]*sqlTable(nil), s.children...), s.evidence) {
		if _, err := s.exec("delete "+t.name, o.ID); err != nil {
			return err
		}
	}
	for _, r := range s.rows {
		if _, err := s.exec("insert "+r.table, r.args...); err != nil {
			return err
		}
	}
	return s.evidenceRows(o)
}

// fields appends the SQL values of t's field columns for one element; ptr
// is the JSON pointer of the element in the record.
func (s *SQLite) fields(args []any, t *table, elem ojson.Value, ptr string) []any {
	wrap := t == s.lay.main && s.lay.wrap
	for i := range t.columns {
		c := &t.columns[i]
		v, ok := lookup(elem, c.path)
		if !ok || v.Kind == ojson.Null {
			args = append(args, nil)
			continue
		}
		x, fits := sqlValue(c.kind, v)
		if !fits {
			p := ptr
			if !wrap {
				p = jsonptr.Join(ptr, c.path...)
			}
			s.unfit = append(s.unfit, p)
		}
		args = append(args, x)
	}
	return args
}

// childRows collects the rows of t's child tables found in elem into
// s.rows; keys are the key values of elem's own row.
func (s *SQLite) childRows(t *table, elem ojson.Value, keys []any, ptr string) {
	for _, c := range t.children {
		arr, ok := lookup(elem, c.path)
		if !ok || arr.Kind != ojson.Array {
			continue
		}
		st := s.byLayout[c]
		base := jsonptr.Join(ptr, c.path...)
		for i, e := range arr.Elems {
			k := append(append(make([]any, 0, len(keys)+1), keys...), int64(i))
			ep := base + "/" + strconv.Itoa(i)
			s.rows = append(s.rows, sqlRow{st.name, s.fields(append([]any(nil), k...), c, e, ep)})
			s.childRows(c, e, k, ep)
		}
	}
}

// sqlRow is a child row waiting for its record's row to be written.
type sqlRow struct {
	table string
	args  []any
}

// evidenceRows writes one evidence row per item; evidence that is not an
// array of objects is logged and left out (the JSONL output keeps it).
func (s *SQLite) evidenceRows(o *pipeline.Outcome) error {
	if len(o.Evidence) == 0 {
		return nil
	}
	v, err := parseJSON(o.Evidence)
	if err != nil || v.Kind != ojson.Array {
		s.log.Warn("sink: sqlite: evidence is not a JSON array; left out", "record", o.ID)
		return nil
	}
	n := len(s.unfit)
	for i, it := range v.Elems {
		args := s.fields([]any{o.ID, int64(i)}, s.evLay.main, it, "")
		if _, err := s.exec("insert evidence", args...); err != nil {
			return err
		}
	}
	if len(s.unfit) > n {
		s.log.Warn("sink: sqlite: evidence values that do not fit their column are null", "record", o.ID, "fields", s.unfit[n:])
		s.unfit = s.unfit[:n]
	}
	return nil
}

// sqlValue converts a JSON value for a column of kind k; a value of
// another type is nil and reported as not fitting.
func sqlValue(k colKind, v ojson.Value) (any, bool) {
	switch k {
	case colString:
		if v.Kind == ojson.String {
			return v.Text, true
		}
	case colNumber:
		if v.Kind == ojson.Number {
			if f, err := strconv.ParseFloat(v.Text, 64); err == nil {
				return f, true
			}
		}
	case colInteger:
		if v.Kind == ojson.Number {
			if n, ok := jsonInt(v.Text); ok {
				return n, true
			}
		}
	case colBool:
		if v.Kind == ojson.Bool {
			return boolInt(v.True()), true
		}
	case colDate:
		if v.Kind == ojson.String {
			if _, err := time.Parse(time.DateOnly, v.Text); err == nil {
				return v.Text, true
			}
		}
	case colDateTime:
		if v.Kind == ojson.String {
			if t, err := time.Parse(time.RFC3339Nano, v.Text); err == nil {
				return t.UTC().Format(time.RFC3339Nano), true
			}
		}
	case colList:
		if v.Kind == ojson.Array {
			return string(ojson.Append(nil, &v)), true
		}
	case colJSON:
		return string(ojson.Append(nil, &v)), true
	}
	return nil, false
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return int64(n)
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func (s *SQLite) commit() error {
	s.pending = 0
	s.lastCommit = s.now()
	if s.tx == nil {
		return nil
	}
	tx := s.tx
	s.tx = nil
	clear(s.txStmts) // closed with the transaction
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sink: sqlite: %w", err)
	}
	return nil
}

// Close commits what is pending, adds the run to the runs table and
// closes the database. Closing twice returns nil.
func (s *SQLite) Close(info *pipeline.RunInfo) error {
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.commit()
	if err == nil && info != nil {
		err = s.addRun(info)
	}
	for _, st := range s.stmts {
		st.Close()
	}
	if cerr := s.db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("sink: sqlite: %w", cerr)
	}
	return err
}

func (s *SQLite) addRun(info *pipeline.RunInfo) error {
	t := info.Totals
	var cost any
	if s.cost != nil {
		if c, ok := s.cost(t.Usage); ok {
			cost = c
		}
	}
	_, err := s.db.Exec(`INSERT INTO runs (model, instructions, schema, simulated, started, ended, wall_seconds,
  documents, ok, invalid, refused, incomplete, error, skipped,
  input_tokens, cached_tokens, output_tokens, reasoning_tokens, requests, rate_limited, cost_usd)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		nullText(info.Model), nullText(info.Instructions), nullText(string(compactJSON(info.Schema))), boolInt(info.Simulated || s.simulated),
		nullTime(info.Start), nullTime(info.End), t.Wall.Seconds(),
		t.Documents, t.ByStatus[pipeline.StatusOK], t.ByStatus[pipeline.StatusInvalid], t.ByStatus[pipeline.StatusRefused],
		t.ByStatus[pipeline.StatusIncomplete], t.ByStatus[pipeline.StatusError], t.ByStatus[pipeline.StatusSkipped],
		t.Usage.InputTokens, t.Usage.CachedTokens, t.Usage.OutputTokens, t.Usage.ReasoningTokens, t.Requests, t.RateLimited, cost)
	if err != nil {
		return fmt.Errorf("sink: sqlite: runs: %w", err)
	}
	return nil
}
