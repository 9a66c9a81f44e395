package pipeline

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// Fingerprint returns a hex SHA-256 over parts, each length-prefixed so that
// ("ab", "c") and ("a", "bc") differ. Pass everything that changes what an
// extraction would return — model, schema, instructions, options — and use
// the result as [Options.Fingerprint]: a changed fingerprint makes the ledger
// re-extract every document.
func Fingerprint(parts ...string) string {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Token counts DefaultEstimate assumes.
const (
	estimateOverhead  = 50   // per request: roles, framing
	estimateImage     = 1000 // per image part (a high-detail image of moderate size)
	estimatePDFPage   = 1500 // per PDF page: its text plus its page image
	estimateTextRatio = 4    // bytes of text per token
)

// DefaultEstimate guesses the input tokens of a document before it is sent:
// 50, plus text bytes / 4, plus 1,000 per image, plus 1,500 per PDF page
// (pages counted from the file's /Type /Page objects, at least 1). It is
// what Run uses when [Options.Estimate] is nil; the guess only paces the
// [Limiter], which corrects it with the actual usage afterwards.
func DefaultEstimate(doc Document) int {
	n := estimateOverhead
	for _, p := range doc.Parts {
		switch p.Kind {
		case PartImage:
			n += estimateImage
		case PartPDF:
			n += estimatePDFPage * pdfPages(p.Data)
		default:
			n += len(p.Text) / estimateTextRatio
		}
	}
	return n
}

// pdfPages counts "/Type /Page" (or "/Type/Page") objects that are not
// "/Pages" nodes. It is a guess; 1 when nothing is found.
func pdfPages(data []byte) int {
	n := 0
	for _, marker := range [][]byte{[]byte("/Type /Page"), []byte("/Type/Page")} {
		rest := data
		for {
			i := bytes.Index(rest, marker)
			if i < 0 {
				break
			}
			rest = rest[i+len(marker):]
			if len(rest) == 0 || rest[0] != 's' {
				n++
			}
		}
	}
	return max(n, 1)
}
