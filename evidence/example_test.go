package evidence_test

import (
	"encoding/json"
	"fmt"

	"github.com/seed0611af48/quarry/evidence"
)

func ExampleVerify() {
	sent := "--- page 1 ---\nInvoice INV-2041\nDate: 3 April 2025\n--- page 2 ---\nTotal due: EUR 1,429.96\n"
	items := evidence.Verify(evidence.NewText(sent), []evidence.Claim{
		{Pointer: "/number", Value: json.RawMessage(`"INV-2041"`), Quote: "Invoice INV-2041"},
		{Pointer: "/date", Value: json.RawMessage(`"2025-04-03"`), Quote: "date: 3 april 2025"},
		{Pointer: "/total", Value: json.RawMessage(`1492.96`), Quote: "Total due: EUR 1,492.96", Page: 2},
		{Pointer: "/vendor", Value: json.RawMessage(`"Globex"`), Quote: "Globex Corporation"},
	})
	for _, it := range items {
		fmt.Printf("%s page %d [%d,%d) %s %.2f %s\n", it.Pointer, it.Page, it.Start, it.End, it.Match, it.Score, it.Verdict)
		if it.Reason != "" {
			fmt.Println("  ", it.Reason)
		}
	}
	fmt.Println(evidence.Count(items))
	// Output:
	// /number page 1 [0,16) exact 1.00 supported
	// /date page 1 [17,35) normalized 1.00 supported
	// /total page 2 [0,23) fuzzy 0.91 unsupported
	//    the source text "Total due: EUR 1,429.96" says 1,429.96, not 1492.96
	// /vendor page 0 [0,0) none 0.00 not_found
	//    the quote "Globex Corporation" is not in the source
	// {2 1 1 0}
}
