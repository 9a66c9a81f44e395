package main

import (
	"github.com/seed0611af48/quarry/batch"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest/simulated"
	"github.com/seed0611af48/quarry/pipeline"
)

// clients sets the clients of a synchronous run: the Extractor's shared one
// (flex fallback around the API), and, when requests must carry the
// document's identity, one per document (bg, the background client, records
// response IDs per document; the simulated model answers per document).
func (j *job) clients(bg *batch.Background) {
	flex := func(c extract.Client) extract.Client {
		if j.f.serviceTier == "flex" {
			return &batch.Flex{Client: c, Fallback: j.f.flexFallback}
		}
		return c
	}
	if bg != nil {
		j.ex.Client = flex(bg)
	} else {
		j.ex.Client = flex(&j.client.Responses)
	}
	if bg == nil && j.sim == nil {
		return
	}
	j.docs.Client = func(doc *pipeline.Document, c extract.Client) extract.Client {
		if bg != nil {
			c = flex(bg.For(doc.ID, doc.Hash()))
		}
		if j.sim != nil {
			c = j.sim.For(c, simDoc(doc))
		}
		return c
	}
}

// simDoc is a document's identity for the simulated model.
func simDoc(doc *pipeline.Document) simulated.Doc {
	return simulated.Doc{Source: doc.Source, Row: doc.Row, Page: doc.Page}
}
