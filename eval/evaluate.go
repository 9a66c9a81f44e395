package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"

	"github.com/seed0611af48/quarry/docextract"
	"github.com/seed0611af48/quarry/evidence"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/pipeline"
)

// A Run is one configuration's outcomes: a run dir ([OpenRun]) or any
// sequence of outcomes, one per document.
type Run struct {
	// Name labels the configuration in the report; default the model.
	Name string
	// Model prices the tokens ([Options].Prices); default each outcome's model.
	Model string
	// Tier is extract.TierStandard (the default), TierBatch or TierFlex.
	Tier      string
	Simulated bool
	Dir       string
	Outcomes  iter.Seq2[pipeline.Outcome, error]
}

// OpenRun reads a run dir written by quarry run: its run.json (model,
// simulated) and, lazily, the latest outcome of each document in its ledger.
func OpenRun(dir string) (Run, error) {
	info, err := pipeline.ReadRunInfo(dir)
	if err != nil {
		return Run{}, fmt.Errorf("eval: %s is not a quarry run dir: %w", dir, err)
	}
	return Run{Name: info.Model, Model: info.Model, Simulated: info.Simulated, Dir: dir, Outcomes: pipeline.ReadLedger(dir)}, nil
}

// Options tune [Evaluate]. The zero value works.
type Options struct {
	// Prices price tokens; nil means extract.DefaultPrices().
	Prices extract.Prices
	// Keep is how many mismatches each configuration keeps in the report
	// (for the HTML page); 0 means 500, negative none.
	Keep int
	// OnMismatch, if set, receives every mismatch as it is found, with the
	// configuration's name and the document (errors.csv is written so).
	OnMismatch func(config string, m Mismatch, doc DocInfo) error
}

// Evaluate compares every run's outcomes with the labels, one run after
// the other, streaming each run's outcomes: memory does not grow with the
// documents' size, only by 8 bytes a document (for latency percentiles).
// A damaged ledger line is counted (Config.Unreadable) and skipped; a label
// that cannot be read is an error.
func Evaluate(ctx context.Context, plan *Plan, labels Labels, runs []Run, opts Options) (*Report, error) {
	if opts.Prices == nil {
		opts.Prices = extract.DefaultPrices()
	}
	if opts.Keep == 0 {
		opts.Keep = 500
	}
	rep := &Report{Labels: labels.Len(), Configurations: []*Config{}}
	for i, r := range runs {
		c, err := evaluateRun(ctx, plan, labels, r, opts)
		if err != nil {
			return nil, err
		}
		if c.Name == "" {
			c.Name = fmt.Sprintf("run %d", i+1)
		}
		rep.Configurations = append(rep.Configurations, c)
	}
	return rep, nil
}

func evaluateRun(ctx context.Context, plan *Plan, labels Labels, r Run, opts Options) (*Config, error) {
	c := &Config{Name: r.Name, Model: r.Model, RunDir: r.Dir, Simulated: r.Simulated,
		ByStatus: map[pipeline.Status]int{}, docs: map[string]DocInfo{}}
	tallies := make([]tally, len(plan.fields))
	var cost float64
	priced, costKnown := false, true
	reasks := 0
	var ev evidenceTally
	for o, err := range r.Outcomes {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err != nil {
			var le *pipeline.LineError
			if errors.As(err, &le) {
				c.Unreadable++
				continue
			}
			return nil, fmt.Errorf("eval: %s: %w", c.Name, err)
		}
		o := o.Replayed()
		expRaw, ok, err := labels.Expected(o.ID)
		if err != nil {
			return nil, err
		}
		if !ok {
			c.Unlabelled++
			continue
		}
		exp, err := decode(expRaw)
		if err != nil {
			return nil, &LabelError{Path: "expected answer", ID: o.ID, Err: err}
		}
		c.Documents++
		c.ByStatus[o.Status]++
		var got any
		gotOK := o.Status == pipeline.StatusOK && len(o.Value) > 0
		if gotOK {
			if got, err = decode(o.Value); err != nil {
				gotOK = false
			}
		}
		doc := DocInfo{Source: o.Source, Status: o.Status, Reason: o.Reason}
		var recErr error
		cmpr := &comparer{tallies: tallies, id: o.ID, rec: func(m Mismatch) {
			c.MismatchCount++
			if opts.Keep > 0 && len(c.Mismatches) < opts.Keep {
				c.Mismatches = append(c.Mismatches, m)
				c.docs[m.ID] = doc
			}
			if opts.OnMismatch != nil && recErr == nil {
				recErr = opts.OnMismatch(c.Name, m, doc)
			}
		}}
		compared, correct := cmpr.value(plan.root, "", "", exp, got, gotOK)
		if recErr != nil {
			return nil, recErr
		}
		if gotOK && compared > 0 && compared == correct && cmpr.extra == 0 {
			c.FullyRight++
		}
		if o.Attempts > 1 {
			reasks += o.Attempts - 1
		}
		c.Tokens = c.Tokens.Add(o.Usage)
		model := r.Model
		if model == "" {
			model = o.Model
		}
		if c.Model == "" {
			c.Model = model
		}
		if pr, ok := opts.Prices.Lookup(model); ok {
			cost += docextract.Cost(pr, o.Usage, r.Tier)
			priced = true
		} else if o.Usage.Total() > 0 {
			costKnown = false
		}
		if !o.Started.IsZero() && !o.Finished.IsZero() && o.Finished.After(o.Started) {
			c.latencies = append(c.latencies, float64(o.Finished.Sub(o.Started).Microseconds())/1000)
		}
		ev.add(o.Evidence)
	}
	c.NotRun = max(labels.Len()-c.Documents, 0)
	if c.Name == "" {
		c.Name = c.Model
	}
	if c.Documents > 0 {
		k := 1000 / float64(c.Documents)
		c.ReasksPerDocument = round(float64(reasks) / float64(c.Documents))
		c.TokensPer1000 = TokenRates{Input: round(float64(c.Tokens.InputTokens) * k), Output: round(float64(c.Tokens.OutputTokens) * k)}
		if costKnown && (priced || c.Tokens.Total() == 0) {
			c.CostUSD = ptr(round(cost))
			c.CostPer1000USD = ptr(round(cost * k))
		}
	}
	if ev.values > 0 {
		c.Evidence = &EvidenceStats{Values: ev.values, Supported: ev.supported, Share: share(ev.supported, ev.values)}
	}
	c.finish(plan, tallies)
	return c, nil
}

// decode reads a JSON value with numbers kept as json.Number.
func decode(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

type evidenceTally struct{ values, supported int }

func (t *evidenceTally) add(raw json.RawMessage) {
	if len(raw) == 0 {
		return
	}
	var items []evidence.Item
	if json.Unmarshal(raw, &items) != nil {
		return
	}
	n := evidence.Count(items)
	t.values += len(items)
	t.supported += n.Supported
}
