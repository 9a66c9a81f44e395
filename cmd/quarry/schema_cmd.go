package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/schema"
)

// jobSchema is the schema of a run, from a file or an inline spec.
type jobSchema struct {
	spec    extract.Spec
	changes []schema.Change
	source  []byte // the JSON Schema before conversion
}

// loadSchema reads --schema: a JSON Schema file when arg names one, else a
// concise inline spec (see "quarry help schema").
func loadSchema(arg string) (*jobSchema, error) {
	if strings.TrimSpace(arg) == "" {
		return nil, usagef("--schema is required: a JSON Schema file or an inline spec such as 'vendor, total number'")
	}
	var doc []byte
	name := "extraction"
	if b, err := os.ReadFile(arg); err == nil {
		doc, name = b, strings.TrimSuffix(strings.TrimSuffix(filepath.Base(arg), ".json"), ".schema")
		if err := jsonProblem(doc); err != nil {
			return nil, fmt.Errorf("schema file %s %w", arg, err)
		}
	} else if looksLikePath(arg) {
		return nil, fmt.Errorf("schema file: %w", err)
	} else if t := strings.TrimSpace(arg); strings.HasPrefix(t, "{") && json.Valid([]byte(t)) {
		return nil, usagef("--schema takes a JSON Schema file or an inline spec such as 'vendor, total number', not JSON itself: save the JSON to a file and pass its path")
	} else {
		d, err := schema.ParseSpec(arg)
		if err != nil {
			return nil, usageError{fmt.Errorf("--schema %q: %w (see 'quarry help schema')", arg, err)}
		}
		doc = d
	}
	spec, changes, err := extract.JSONSchema(name, doc)
	if err != nil {
		var ce *schema.ConvertError
		if errors.As(err, &ce) {
			var b strings.Builder
			b.WriteString("the schema cannot be made strict:")
			for _, f := range ce.Findings {
				fmt.Fprintf(&b, "\n  %s", f)
			}
			return nil, fmt.Errorf("%s", b.String())
		}
		return nil, err
	}
	return &jobSchema{spec: spec, changes: changes, source: doc}, nil
}

// jsonProblem says what is wrong with a schema file that is not JSON: empty,
// or where its syntax breaks (line and column); nil if it is valid.
func jsonProblem(doc []byte) error {
	if len(bytes.TrimSpace(doc)) == 0 {
		return errors.New("is empty")
	}
	var v any
	err := json.Unmarshal(doc, &v)
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return fmt.Errorf("is not valid JSON: %v", err)
	}
	line, col := 1, 1
	for _, c := range doc[:min(int(se.Offset), len(doc))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	if se.Offset > 0 {
		col-- // Offset is just past the byte that broke the syntax
	}
	return fmt.Errorf("is not valid JSON: line %d, column %d: %v", line, col, se)
}

func looksLikePath(s string) bool {
	return !strings.ContainsAny(s, ",{[(: ") && (strings.HasSuffix(s, ".json") || strings.ContainsRune(s, os.PathSeparator))
}

func (a *app) schemaCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "schema SPEC|FILE",
		Short: "Print the strict JSON Schema for a spec or schema file, with lint findings",
		Long: `Prints the strict JSON Schema that quarry would send as text.format for an inline
spec (see 'quarry help schema') or a JSON Schema file, and lists on stderr what
the conversion changed and what strict mode would reject, each with its JSON
pointer. Exits 1 when the schema cannot be made strict.

--schema takes a JSON Schema file, or a concise inline spec:

  fields      = field { "," field }
  field       = name [ "?" ] [ type ] [ enum ] [ ":" description ]
  type        = string | int | number | bool | date | datetime
              | "[]" type            an array of scalars, e.g. tags []string
              | "{" fields "}"       a nested object, e.g. address {street, city}
              | "[" fields "]"       an array of objects, e.g. lines [description, quantity int]
  enum        = "(" value { "|" value } ")"      e.g. status (open|closed)
  description = text up to the next "," or bracket, or a "quoted, string"

Fields are strings unless typed. A "?" makes a field optional: in the strict
schema it is required but may be null. date and datetime become strings with
format date / date-time. The type follows the name without a colon: "total
int", not "total: int" (that is a description, and is refused as a likely
mistake; quote it, total: "int", if you mean the words).

Example:
  quarry run --in tickets.csv --text-column body --out tickets.xlsx \
    --schema 'customer, category (billing|bug|account|other), priority (low|medium|high),
              summary: one sentence, order_id?'`,
		Example: `  quarry schema 'vendor, invoice_number, total number, lines [description, quantity int]'
  quarry schema invoice.schema.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("schema takes one argument: a spec or a JSON Schema file")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			js, err := loadSchema(args[0])
			if err != nil {
				return err
			}
			var out bytes.Buffer
			if err := json.Indent(&out, js.spec.Schema, "", "  "); err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, out.String())
			for _, c := range js.changes {
				p := c.Pointer
				if p == "" {
					p = "/"
				}
				kind := "changed"
				if c.Lossy {
					kind = "moved to description"
				}
				fmt.Fprintf(a.stderr, "%s: %s (%s)\n", p, c.Message, kind)
			}
			findings := schema.Lint(js.spec.Schema)
			for _, f := range findings {
				fmt.Fprintf(a.stderr, "lint %s\n", f)
			}
			if len(findings) == 0 {
				fmt.Fprintln(a.stderr, "strict mode: OK (no lint findings)")
			}
			return nil
		},
	}
}
