package sink

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/seed0611af48/quarry/evidence"
	"github.com/seed0611af48/quarry/internal/ojson"
	"github.com/seed0611af48/quarry/pipeline"
)

// SheetEvidence is the XLSX sheet (and the CSV child file's suffix,
// "out.evidence.csv") that lists the evidence of every value when
// Options.Evidence is set.
const SheetEvidence = "evidence"

// evidenceHeader is the header of the evidence sheet and child file: one
// row per leaf value of a record.
var evidenceHeader = []string{"record_id", "field", "value", "quote", "page", "start", "end", "match", "score", "verdict", "reason"}

var evidenceKinds = []colKind{colString, colString, colString, colJSON, colInteger, colInteger, colInteger, colString, colNumber, colString, colJSON}

// outcomeEvidence decodes an outcome's evidence; nil when it has none or
// it is not a JSON array of items (the ledger is not trusted blindly).
func outcomeEvidence(o *pipeline.Outcome) []evidence.Item {
	if len(o.Evidence) == 0 {
		return nil
	}
	var items []evidence.Item
	if err := json.Unmarshal(o.Evidence, &items); err != nil {
		return nil
	}
	return items
}

// evidenceRows returns the rows of an outcome's evidence, made safe.
func evidenceRows(g *guard, o *pipeline.Outcome) [][]cell {
	items := outcomeEvidence(o)
	rows := make([][]cell, 0, len(items))
	for _, it := range items {
		row := []cell{
			stringCell(o.ID), stringCell(it.Pointer), valueCell(it.Value), stringCell(it.Quote),
			optInt(it.Page), intCell(it.Start), intCell(it.End), stringCell(string(it.Match)),
			{cellNumber, strconv.FormatFloat(it.Score, 'f', -1, 64)}, stringCell(string(it.Verdict)), stringCell(it.Reason),
		}
		if it.Match == evidence.MatchNone {
			row[5], row[6] = cell{}, cell{}
		}
		for i := range row {
			if row[i].kind != cellEmpty {
				row[i].text = g.text(row[i], o.ID, evidenceHeader[i])
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// valueCell is the cell of a leaf value: a number, a boolean, or text.
func valueCell(v json.RawMessage) cell {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0 || string(v) == "null":
		return cell{}
	case v[0] == '"':
		var s string
		if json.Unmarshal(v, &s) == nil {
			return stringCell(s)
		}
	case string(v) == "true" || string(v) == "false":
		return cell{cellBool, string(v)}
	case v[0] == '-' || v[0] >= '0' && v[0] <= '9':
		return cell{cellNumber, string(v)}
	}
	return stringCell(string(v))
}

// appendEvidence adds "evidence": {pointer: {quote, page, start, end,
// end_page, match, score, verdict, reason, boxes}} to a JSONL line.
func appendEvidence(b []byte, items []evidence.Item) []byte {
	if len(items) == 0 {
		return b
	}
	b = append(b, `,"evidence":{`...)
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = ojson.AppendQuote(b, it.Pointer)
		b = append(b, `:{"quote":`...)
		b = ojson.AppendQuote(b, it.Quote)
		if it.Page != 0 {
			b = append(b, `,"page":`...)
			b = strconv.AppendInt(b, int64(it.Page), 10)
		}
		b = append(b, `,"start":`...)
		b = strconv.AppendInt(b, int64(it.Start), 10)
		b = append(b, `,"end":`...)
		b = strconv.AppendInt(b, int64(it.End), 10)
		if it.EndPage != 0 {
			b = append(b, `,"end_page":`...)
			b = strconv.AppendInt(b, int64(it.EndPage), 10)
		}
		b = append(b, `,"match":`...)
		b = ojson.AppendQuote(b, string(it.Match))
		b = append(b, `,"score":`...)
		b = strconv.AppendFloat(b, it.Score, 'f', -1, 64)
		b = append(b, `,"verdict":`...)
		b = ojson.AppendQuote(b, string(it.Verdict))
		if it.Reason != "" {
			b = append(b, `,"reason":`...)
			b = ojson.AppendQuote(b, it.Reason)
		}
		if len(it.Boxes) > 0 {
			bx, _ := json.Marshal(it.Boxes)
			b = append(b, `,"boxes":`...)
			b = append(b, bx...)
		}
		b = append(b, '}')
	}
	return append(b, '}')
}
