// Package schema turns Go types into JSON Schemas that OpenAI Structured
// Outputs accepts in strict mode, checks schema documents against that strict
// subset, and decodes model answers strictly, reporting every problem with a
// JSON pointer.
//
// It knows nothing of the rest of Quarry: the extract package sends the
// schema, decodes the answer with it, validates the value and re-asks.
//
// # From a Go type to a strict schema
//
// [For] reflects a type once, caches the result and is safe for concurrent
// use; [Reflect] does the same for a [reflect.Type]:
//
//	type Line struct {
//		Description string  `json:"description"`
//		Quantity    int     `json:"quantity" validate:"gte=1"`
//		UnitPrice   float64 `json:"unit_price" validate:"gte=0"`
//	}
//
//	type Invoice struct {
//		Vendor    string  `json:"vendor"`
//		Number    string  `json:"invoice_number" jsonschema:"description=as printed on the invoice"`
//		IssueDate string  `json:"issue_date" validate:"datetime=2006-01-02"`
//		DueDate   *string `json:"due_date" validate:"omitnil,datetime=2006-01-02"`
//		Currency  string  `json:"currency" validate:"oneof=USD EUR GBP INR PLN"`
//		Total     float64 `json:"total" validate:"gte=0"`
//		Lines     []Line  `json:"lines" validate:"min=1,dive"`
//	}
//
//	s, err := schema.For[Invoice]()
//
// s.Name is "Invoice" (a valid text.format name) and s.JSON, indented here,
// is:
//
//	{
//	  "type": "object",
//	  "properties": {
//	    "vendor": {"type": "string"},
//	    "invoice_number": {"type": "string", "description": "as printed on the invoice"},
//	    "issue_date": {"type": "string", "format": "date"},
//	    "due_date": {"type": ["string", "null"], "format": "date"},
//	    "currency": {"type": "string", "enum": ["USD", "EUR", "GBP", "INR", "PLN"]},
//	    "total": {"type": "number", "minimum": 0},
//	    "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}, "minItems": 1}
//	  },
//	  "required": ["vendor", "invoice_number", "issue_date", "due_date", "currency", "total", "lines"],
//	  "additionalProperties": false,
//	  "$defs": {
//	    "Line": {
//	      "type": "object",
//	      "properties": {
//	        "description": {"type": "string"},
//	        "quantity": {"type": "integer", "minimum": 1},
//	        "unit_price": {"type": "number", "minimum": 0}
//	      },
//	      "required": ["description", "quantity", "unit_price"],
//	      "additionalProperties": false
//	    }
//	  }
//	}
//
// The reflection is built on github.com/invopop/jsonschema and then made
// strict:
//
//   - Every object lists all its properties in "required" and has
//     "additionalProperties": false.
//   - Properties appear in struct field order, which is the order the model
//     writes them in. The output is compact and byte-for-byte deterministic.
//   - Fields are found as encoding/json finds them: the json tag names them,
//     "-" and unexported fields are skipped, embedded structs are flattened
//     with encoding/json's shadowing rules. A jsonschema:"-" tag also skips a
//     field (for the decoder too).
//   - Pointer fields, and fields with omitempty or omitzero, are required and
//     nullable ("type": ["string", "null"], or anyOf a $ref and null), never
//     optional: strict mode has no optional fields.
//   - Named structs go to "$defs" and are referred to with "$ref", so
//     recursive types work. The root is always an inline object; a recursive
//     root is also written under $defs for its own references. Generic types
//     are named without package paths (Page[Line] is "Page_Line").
//   - A slice root is wrapped, since strict mode wants an object root:
//     {"type":"object","properties":{"items":{"type":"array",...}},...}.
//     [Schema.ListKey] is then "items", [Schema.Name] is "list_of_Line", and
//     [Schema.Decode] unwraps the list.
//   - time.Time is a "date-time" string; []byte is a base64 string; integer
//     kinds are "integer" (unsigned ones with "minimum": 0), floats "number";
//     types implementing encoding.TextMarshaler are strings; a $ref carrying
//     a description is wrapped in a one-branch anyOf, since strict mode wants
//     $ref alone.
//   - Descriptions come from jsonschema:"description=..." and
//     jsonschema_description:"..." tags. Keywords strict mode rejects
//     (minLength, default, examples, uniqueItems, unknown formats...) are
//     moved into the description as words.
//
// Maps, interfaces, channels, funcs, complex numbers, unsafe pointers,
// json.RawMessage and url.URL have no strict form: For returns an
// [*UnsupportedTypeError] naming the Go field path ("Invoice.Extra") and a
// hint, never a panic. Use a slice of key/value structs instead of a map.
//
// # Validate tags
//
// Every validate tag is tried when the schema is built, with [Validator]:
// a rule the validator does not know, a parameter that does not parse
// ("gte=abc" on an int, even behind omitempty), "dive" on a field that is
// not a list or a cross-field rule naming a missing field is a [*TagError]
// with the Go field path, before any request is made.
//
// go-playground/validator tags become schema keywords where strict mode has
// one, so that the model is steered towards valid values:
//
//	oneof=a b c           enum, typed for numeric fields ('quoted words' allowed)
//	min, gte / max, lte   minimum / maximum on numbers; minItems / maxItems on slices
//	gt / lt               exclusiveMinimum / exclusiveMaximum; minItems n+1 / maxItems n-1
//	len, eq               both bounds; eq on a string is a one-value enum
//	email, uuid*, hostname, ipv4, ipv6
//	                      format
//	datetime=2006-01-02   format date; 15:04:05 is time; an RFC 3339 layout is date-time
//	required              a pointer stops being nullable
//	dive                  the following rules apply to the elements
//
// Rules strict mode cannot express are appended to the field's description in
// plain words, "Constraints: at least 3 characters; must start with "INV-".":
// string lengths, url, uri, contains, startswith, endswith, alpha, numeric,
// e164, cross-field rules such as gtfield (naming the other field by its JSON
// key), required_if and the like, "a|b" alternatives, and unknown rules. With
// omitempty, an empty value passes validation, so bounds and formats go to
// the description ("unless empty, ...") and the zero value joins a oneof
// enum. Enforcing the rules after decoding is the validator's job, in the
// extract package.
//
// # Decoding answers strictly
//
// [Decode] checks an answer against the Go type before filling it, and
// reports every problem at once in a [*DecodeError]:
//
//	err := schema.Decode(answer, &inv)
//	// schema: answer does not match schema.Invoice: /total: must be a number,
//	// not a string; /lines/0/quantity: must be a whole number, not 2.5;
//	// /note: unknown field "note"; /due_date: missing
//
// Each [FieldError] has a JSON pointer ("/lines/0/quantity"), the Go path
// ("Invoice.Lines[0].Quantity") and a message. Decode reports invalid JSON
// (with its byte offset), unknown and repeated keys, missing fields (every
// field, nullable ones included, since a strict server always sends them
// all), null where the schema does not admit it, wrong JSON types, integers
// that overflow or have a fraction, and values that a time.Time, a
// json.Unmarshaler or an encoding.TextUnmarshaler rejects. When there is no
// problem, the value is filled by encoding/json, exactly as json.Unmarshal
// would fill it. Decode never panics on any input.
//
// # Validating at every depth, writing answers
//
// [Validate] runs the validate tags of every struct in a decoded value (list
// elements too, with or without "dive"; fields promoted from embedded
// structs at their own key, "/id" rather than "/Base/id") and then the
// Validate() error method of every value that has one, each problem at its
// JSON pointer. [Marshal] writes a Go value as a strict server answers its
// schema: every property present, null where omitempty or omitzero would
// have dropped it. Types with their own JSON form state it with a
// JSONSchema() method, or as text with declared values (JSONSchemaExtend
// setting Enum, or an enum tag); otherwise For refuses them with a hint.
// Integers narrower than 64 bits state their range; a time.Duration says
// it is in nanoseconds. [Schema.Findings] holds Lint's findings, so that a
// schema over strict mode's limits can be refused before it is sent
// ([*LintError]).
//
// # Checking schema documents
//
// [Lint] checks any JSON Schema document against the strict subset and its
// limits; every schema For produces passes it.
//
// # Linting and converting schemas
//
// [Lint] checks any JSON Schema document against the subset that OpenAI
// Structured Outputs accepts in strict mode, and against its limits
// ([LintMaxProperties], [LintMaxNesting], [LintMaxStringLength],
// [LintMaxEnumValues], [LintMaxLongEnumLength]). Each [Finding] names a
// stable rule ("additional-properties", "unsupported-keyword", "max-nesting"…)
// and the JSON pointer of the offending keyword; [LintName] checks the
// text.format name. [Strictify] converts a hand-written draft-07 or 2020-12
// schema to the strict form: it closes objects, makes every property
// required and the optional ones nullable, moves definitions to $defs,
// merges allOf, wraps a non-object root, and says in the description what
// strict mode cannot enforce (minLength, uniqueItems…). It returns every
// [Change], marking the lossy ones, keeps property order, and its output
// always passes Lint; what it cannot convert (maps, patternProperties,
// if/then/else, not…) comes back as a [*ConvertError] listing each place.
//
// # Concise specs
//
// [ParseSpec] turns a one-line field list such as
// "vendor, total number, lines [description, quantity int]" into a JSON
// Schema document for Strictify; the quarry CLI accepts it for --schema.
package schema
