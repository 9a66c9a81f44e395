package main

import (
	"fmt"
	"math"
)

// An invoice is made-up data for one sample document. Money is in cents so
// that the arithmetic is exact.
type invoice struct {
	name     string // file name without extension
	vendor   string
	address  string
	number   string
	issue    string // YYYY-MM-DD
	issueOut string // the issue date as printed
	due      string // YYYY-MM-DD, or "" for none
	dueOut   string // the due date (or payment terms) as printed
	currency string
	lines    []line
	mode     mode
}

type line struct {
	desc  string
	qty   float64
	price int64 // unit price in cents
}

type mode int

const (
	text      mode = iota // a PDF with a text layer
	scanned               // the invoice rendered to a black and white image
	encrypted             // copied from pipeline/source/pdftext/testdata/encrypted.pdf
)

func (l line) amount() int64 { return int64(math.Round(l.qty * float64(l.price))) }

func (inv invoice) total() int64 {
	var t int64
	for _, l := range inv.lines {
		t += l.amount()
	}
	return t
}

func money(cents int64) string { return fmt.Sprintf("%d.%02d", cents/100, cents%100) }

func qty(q float64) string { return fmt.Sprintf("%g", q) }

var invoices = []invoice{
	{
		name:     "acme-office-supplies",
		vendor:   "Acme Office Supplies Inc.",
		address:  "1200 Market Street, Springfield, IL 62701, USA",
		number:   "INV-2024-0117",
		issue:    "2024-03-05",
		issueOut: "March 5, 2024",
		due:      "2024-04-04",
		dueOut:   "April 4, 2024",
		currency: "USD",
		lines: []line{
			{"A4 copy paper, 500 sheets", 10, 549},
			{"Ballpoint pens, box of 50", 3, 1275},
			{"Desk organizer", 2, 1800},
		},
	},
	{
		name:     "bergmann-maschinenbau",
		vendor:   "Bergmann Maschinenbau GmbH",
		address:  "Industriestrasse 14, 70565 Stuttgart, Germany",
		number:   "RE-58213",
		issue:    "2024-06-12",
		issueOut: "12.06.2024",
		due:      "2024-07-12",
		dueOut:   "12.07.2024",
		currency: "EUR",
		lines: []line{
			{"Hydraulic hose 1/2 inch, 2 m", 4, 2380},
			{"Service hour (technician)", 2.5, 7800},
			{"Sealing kit", 1, 4135},
		},
	},
	{
		name:     "kestrel-design-studio",
		vendor:   "Kestrel Design Studio Ltd",
		address:  "3 Wharf Lane, Bristol BS1 4RN, United Kingdom",
		number:   "KDS-0042",
		issue:    "2024-09-30",
		issueOut: "30 September 2024",
		dueOut:   "Payment on receipt",
		currency: "GBP",
		lines: []line{
			{"Logo design", 1, 85000},
			{"Business card layout", 1, 12000},
			{"Brand guidelines booklet, per page", 12, 3500},
			{"Stock photo licence", 4, 999},
		},
	},
	{
		name:     "lakshmi-traders-scanned",
		vendor:   "Lakshmi Traders",
		address:  "42 Gandhi Road, Coimbatore 641001, Tamil Nadu, India",
		number:   "LT/23-24/0915",
		issue:    "2023-11-18",
		issueOut: "18/11/2023",
		due:      "2023-12-18",
		dueOut:   "18/12/2023",
		currency: "INR",
		lines: []line{
			{"Cotton bedsheet, double", 6, 74900},
			{"Pillow cover, pair", 6, 19900},
		},
		mode: scanned,
	},
	{
		name:     "wisla-software-encrypted",
		vendor:   "Wisla Software Sp. z o.o.",
		address:  "ul. Dluga 7, 31-147 Krakow, Poland",
		number:   "FV/2024/05/007",
		issue:    "2024-05-02",
		issueOut: "2024-05-02",
		due:      "2024-05-16",
		dueOut:   "2024-05-16",
		currency: "PLN",
		lines: []line{
			{"Software licence, annual", 1, 120000},
			{"Onboarding workshop, hours", 3, 15000},
		},
		mode: encrypted,
	},
}

// textLines is the printed invoice, one string per line.
func (inv invoice) textLines() []string {
	ls := []string{
		"INVOICE",
		"",
		inv.vendor,
		inv.address,
		"",
		"Invoice number: " + inv.number,
		"Issue date: " + inv.issueOut,
		"Due date: " + inv.dueOut,
		"Bill to: Quarry Demo Co., 5 Sample Lane, Portland, OR 97201, USA",
		"",
		fmt.Sprintf("%-38s %6s %12s %12s", "Description", "Qty", "Unit price", "Amount"),
	}
	for _, l := range inv.lines {
		ls = append(ls, fmt.Sprintf("%-38s %6s %12s %12s", l.desc, qty(l.qty), money(l.price), money(l.amount())))
	}
	return append(ls,
		"",
		fmt.Sprintf("Total due: %s %s", inv.currency, money(inv.total())),
		"",
		"Thank you for your business.",
	)
}

// expected is the extraction a model should return for the invoice, in the
// key order of the demo schema.
type expected struct {
	Vendor        string         `json:"vendor"`
	InvoiceNumber string         `json:"invoice_number"`
	IssueDate     string         `json:"issue_date"`
	DueDate       *string        `json:"due_date"`
	Currency      string         `json:"currency"`
	Total         float64        `json:"total"`
	Lines         []expectedLine `json:"lines"`
}

type expectedLine struct {
	Description string  `json:"description"`
	Quantity    float64 `json:"quantity"`
	UnitPrice   float64 `json:"unit_price"`
}

func (inv invoice) expected() expected {
	x := expected{
		Vendor:        inv.vendor,
		InvoiceNumber: inv.number,
		IssueDate:     inv.issue,
		Currency:      inv.currency,
		Total:         float64(inv.total()) / 100,
		Lines:         []expectedLine{},
	}
	if inv.due != "" {
		x.DueDate = &inv.due
	}
	for _, l := range inv.lines {
		x.Lines = append(x.Lines, expectedLine{l.desc, l.qty, float64(l.price) / 100})
	}
	return x
}
