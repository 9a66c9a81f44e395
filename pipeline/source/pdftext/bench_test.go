package pdftext_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/seed0611af48/quarry/pipeline/source/pdftext"
)

func corpus(b *testing.B) [][]byte {
	dir := sharedDir(b, "corpus/invoices")
	files, err := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if err != nil || len(files) == 0 {
		b.Skipf("no PDFs in %s", dir)
	}
	var docs [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, data)
	}
	return docs
}

// BenchmarkInvoiceCorpus reads the shared invoice corpus with a warm
// Extractor (one worker) and reports pages/s. When pdftotext is installed,
// each iteration also runs it once per file (process start included, as a
// caller would) and reports its pages/s and pdftext's speed relative to it
// (x-pdftotext > 1 means pdftext is faster); ns/op then covers both.
func BenchmarkInvoiceCorpus(b *testing.B) {
	docs := corpus(b)
	e, err := pdftext.New(b.Context(), pdftext.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	pages := 0
	for _, d := range docs { // warm up: start the instance, count pages
		p, err := e.Pages(b.Context(), d, "")
		if err != nil {
			b.Fatal(err)
		}
		pages += len(p)
	}
	pdftotext, _ := exec.LookPath("pdftotext")
	var files []string
	if pdftotext != "" {
		dir := b.TempDir()
		for i, d := range docs {
			f := filepath.Join(dir, "doc"+string(rune('a'+i))+".pdf")
			if err := os.WriteFile(f, d, 0o644); err != nil {
				b.Fatal(err)
			}
			files = append(files, f)
		}
	}

	var ours, theirs time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		for _, d := range docs {
			if _, err := e.Pages(b.Context(), d, ""); err != nil {
				b.Fatal(err)
			}
		}
		ours += time.Since(start)
		if pdftotext != "" {
			start = time.Now()
			for _, f := range files {
				if err := exec.Command(pdftotext, "-q", f, os.DevNull).Run(); err != nil {
					b.Fatal(err)
				}
			}
			theirs += time.Since(start)
		}
	}
	b.ReportMetric(float64(pages*b.N)/ours.Seconds(), "pages/s")
	if pdftotext != "" {
		b.ReportMetric(float64(pages*b.N)/theirs.Seconds(), "pdftotext-pages/s")
		b.ReportMetric(theirs.Seconds()/ours.Seconds(), "x-pdftotext")
	} else {
		b.Log("pdftotext not installed: no comparison")
	}
}

// BenchmarkColdStart measures New, the first document (which starts the
// instance) and Close: with a filled compilation cache, and with a fresh
// empty cache directory each time, so PDFium is compiled again. The
// "nocache" case takes seconds per iteration.
func BenchmarkColdStart(b *testing.B) {
	doc := genPDF(b, []string{"hello"})
	run := func(b *testing.B, dir func() string) {
		var total time.Duration
		for b.Loop() {
			d := dir()
			start := time.Now()
			e, err := pdftext.New(b.Context(), pdftext.Options{CacheDir: d})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.Pages(b.Context(), doc, ""); err != nil {
				b.Fatal(err)
			}
			total += time.Since(start)
			if err := e.Close(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(total.Seconds()/float64(b.N), "s/start")
	}
	b.Run("cache", func(b *testing.B) {
		dir := b.TempDir()
		warm, err := pdftext.New(b.Context(), pdftext.Options{CacheDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := warm.Pages(b.Context(), doc, ""); err != nil { // fills the cache
			b.Fatal(err)
		}
		warm.Close()
		b.ResetTimer()
		run(b, func() string { return dir })
	})
	b.Run("nocache", func(b *testing.B) {
		run(b, func() string { return b.TempDir() })
	})
}
