package main

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/seed0611af48/quarry/docextract"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/pipeline/source"
)

// dataURLs matches the base64 payloads of inline images and files.
var dataURLs = regexp.MustCompile(`"(data:[a-z/+.-]+;base64,)([A-Za-z0-9+/=]{64,})"`)

// dryRun prints what a run would send, without sending anything: the strict
// schema, the first request, and token and cost estimates.
func (a *app) dryRun(ctx context.Context, j *job) error {
	w := a.stdout
	docs, err := source.Open(ctx, j.f.inputs, j.srcOpts)
	if err != nil {
		return usageError{err}
	}
	fmt.Fprintf(w, "# Strict JSON Schema (text.format %q)\n", j.schema.spec.Name)
	var pretty json.RawMessage = j.schema.spec.Schema
	out, _ := json.MarshalIndent(pretty, "", "  ")
	fmt.Fprintln(w, string(out))
	for _, c := range j.schema.changes {
		fmt.Fprintf(w, "# schema change: %s\n", c)
	}

	var n, bad, total int
	first := true
	for doc := range docs {
		if j.f.limit > 0 && n >= j.f.limit {
			break
		}
		n++
		if doc.Err != nil {
			bad++
			fmt.Fprintf(w, "# %s: not sent: %v\n", doc.ID, doc.Err)
			continue
		}
		est := j.docs.Estimate(doc)
		total += est
		if first {
			first = false
			c, err := j.ex.NewCall(j.schema.spec, docextract.Inputs(&doc)...)
			if err != nil {
				fmt.Fprintf(w, "# %s: not sent: %v\n", doc.ID, err)
				continue
			}
			raw, err := c.Body()
			if err != nil {
				fmt.Fprintf(w, "# %s: not sent: %v\n", doc.ID, err)
				continue
			}
			var body []byte
			if b, err := json.MarshalIndent(raw, "", "  "); err == nil {
				body = b
			}
			body = dataURLs.ReplaceAllFunc(body, func(m []byte) []byte {
				sub := dataURLs.FindSubmatch(m)
				return []byte(fmt.Sprintf(`"%s%s…(%d base64 characters)"`, sub[1], sub[2][:16], len(sub[2])))
			})
			fmt.Fprintf(w, "# First request: POST /responses for %s\n# Authorization: Bearer [redacted]\n%s\n", doc.ID, body)
		}
		fmt.Fprintf(w, "# %s: about %d input tokens\n", doc.ID, est)
	}
	fmt.Fprintf(w, "# %d documents, %d not sendable, about %d input tokens in all", n, bad, total)
	if pr, ok := j.prices.Lookup(j.ex.Model); ok {
		outGuess := int64(n-bad) * int64(len(j.schema.spec.Schema)/8+50)
		c := pr.Cost(extract.Usage{InputTokens: int64(total), OutputTokens: outGuess}, j.tier)
		fmt.Fprintf(w, "; estimated cost $%.4f with %s (output guessed at %d tokens)", c, j.ex.Model, outGuess)
	}
	fmt.Fprintln(w, "\n# dry run: nothing was sent")
	return nil
}
