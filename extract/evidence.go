package extract

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/seed0611af48/quarry/evidence"
	"github.com/seed0611af48/quarry/schema"
)

// ErrEvidenceStream is returned by the streaming calls when
// Extractor.Evidence is set: partial values of the quoted answer are not
// the caller's type.
var ErrEvidenceStream = errors.New("extract: Evidence is not supported with streaming; use One or Extract")

// evidenceInstructions are added to the instructions when Evidence is on.
const evidenceInstructions = "\n\nEach value is an object with the value and the quote it was read from: " +
	"copy the quote verbatim from the document (a few words around the value, the same characters, " +
	"no paraphrase). When the document has \"--- page N ---\" lines, give the page number N the quote is on. " +
	"When a value is null, its quote is null."

// evidenceCall is what a Call with Evidence needs: the text sent, against
// which quotes are verified, and the schema asking for quotes.
type evidenceCall struct {
	sent    string         // the text parts sent, joined
	text    *evidence.Text // sent, prepared when the first answer arrives
	hasText bool
	paged   bool
	schema  []byte // the spec's schema with every leaf wrapped (schema.Quoted)
}

// newEvidenceCall prepares evidence for spec over the parts to be sent.
// A schema over strict mode's limits once quoted is an error here, before
// any request (unless ex.IgnoreSchemaLimits). It stays cheap (a batch run
// prepares a call per document before any answer): the quoted schema and
// its lint are cached, and the text is prepared for matching only when an
// answer arrives.
func newEvidenceCall(ex *Extractor, spec *Spec, parts []inputPart) (*evidenceCall, error) {
	var b strings.Builder
	ev := &evidenceCall{}
	for _, p := range parts {
		if p.Type == "input_text" {
			b.WriteString(p.Text)
			ev.hasText = true
		}
	}
	ev.sent = b.String()
	ev.paged = evidence.Paged(ev.sent)
	q, err := quotedSchema(spec.Schema, ev.paged)
	if err != nil {
		return nil, err
	}
	if err := ex.checkLimits(&Spec{Name: spec.Name, Schema: q.schema, findings: q.findings, linted: true}); err != nil {
		return nil, fmt.Errorf("extract: with Evidence (each value becomes an object with its quote) %w", err)
	}
	ev.schema = q.schema
	return ev, nil
}

// quotedSchemas caches schema.Quoted and its lint, per schema and paging.
var (
	quotedSchemas sync.Map // quotedKey → quotedEntry
	quotedCount   atomic.Int64
)

type quotedKey struct {
	schema string
	paged  bool
}

type quotedEntry struct {
	schema   []byte
	findings []schema.Finding
}

// maxQuotedSchemas bounds the cache; past it the cache starts over.
const maxQuotedSchemas = 256

func quotedSchema(doc []byte, paged bool) (quotedEntry, error) {
	k := quotedKey{string(doc), paged}
	if e, ok := quotedSchemas.Load(k); ok {
		return e.(quotedEntry), nil
	}
	q, err := schema.Quoted(doc, paged)
	if err != nil {
		return quotedEntry{}, fmt.Errorf("extract: evidence: %w", err)
	}
	e := quotedEntry{schema: q, findings: schema.Lint(q)}
	if quotedCount.Add(1) > maxQuotedSchemas {
		quotedSchemas.Clear()
		quotedCount.Store(1)
	}
	quotedSchemas.Store(k, e)
	return e, nil
}

// check unwraps a quoted answer, checks the plain answer with spec and, if
// it is valid, verifies the quotes of its non-null values.
func (ev *evidenceCall) check(spec *Spec, answer []byte) ([]byte, []evidence.Item, []*schema.FieldError) {
	plain, quotes, errs := schema.Unquote(spec.Schema, answer, ev.paged)
	if len(errs) > 0 {
		return nil, nil, errs
	}
	if errs := spec.Check(plain); len(errs) > 0 {
		return nil, nil, errs
	}
	claims := make([]evidence.Claim, 0, len(quotes))
	for _, q := range quotes {
		if string(q.Value) == "null" {
			continue
		}
		claims = append(claims, evidence.Claim{Pointer: q.Pointer, Value: q.Value, Quote: q.Quote, Page: q.Page})
	}
	if ev.text == nil {
		ev.text = evidence.NewText(ev.sent)
	}
	items := evidence.Verify(ev.text, claims)
	if !ev.hasText {
		for i := range items {
			if items[i].Verdict == evidence.NotFound {
				items[i].Verdict = evidence.Unchecked
				items[i].Reason = "the document was sent as an image or PDF file, not as text: there is no text to check a quote against"
			}
		}
	}
	return plain, items, nil
}

// evidenceErrors turns the items that are not supported into the errors of
// an attempt, for the re-ask.
func evidenceErrors(items []evidence.Item) []*schema.FieldError {
	var errs []*schema.FieldError
	for _, it := range items {
		if it.Verdict == evidence.Supported {
			continue
		}
		errs = append(errs, &schema.FieldError{Pointer: it.Pointer,
			Message: fmt.Sprintf("evidence %s: %s", it.Verdict, it.Reason)})
	}
	return errs
}

// evidenceCorrection is the re-ask message for values whose quotes do not
// support them.
func evidenceCorrection(errs []*schema.FieldError) string {
	var b strings.Builder
	b.WriteString("Quarry checked each quote against the document. These values are not supported by it. " +
		"For each, copy the quote verbatim from the document and give the value the quote states " +
		"(or null if the document does not give it); keep every other value and quote as it was, " +
		"and answer again with the complete JSON object:\n")
	for i, e := range errs {
		if i == maxCorrections {
			fmt.Fprintf(&b, "- and %d more\n", len(errs)-maxCorrections)
			break
		}
		fmt.Fprintf(&b, "- %s: %s\n", e.Pointer, e.Message)
	}
	return b.String()
}
