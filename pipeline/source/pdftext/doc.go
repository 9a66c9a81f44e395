// Package pdftext extracts the text of PDF documents, page by page, with
// PDFium compiled to WebAssembly and run by wazero: pure Go, no cgo, no
// external program, and a hostile PDF cannot crash the process.
//
// # Reading a document
//
// An [Extractor] is made once and used for every document:
//
//	e, err := pdftext.New(ctx, pdftext.Options{})
//	if err != nil { ... }
//	defer e.Close()
//
//	pages, err := e.Pages(ctx, data, "")
//	switch {
//	case errors.Is(err, pdftext.ErrPassword):
//		// encrypted: ask for the password
//	case errors.Is(err, pdftext.ErrCorrupt):
//		// not a PDF, or damaged beyond repair
//	}
//
// Pages returns one string per page, lines separated by "\n", with no
// trailing spaces. PDFium, not the file, decides where lines break and where
// spaces go, so compare text without regard to white space. A page with no
// text layer, such as a scan, gives "": a caller can then send the PDF to a
// model as a file or as images instead.
//
// # Page images and character boxes
//
// [Extractor.Layout] reads the same pages for a reviewer: each page's text
// exactly as package source sends it to the model (Pages' text, trimmed),
// the box of every character of it, and, for the pages asked for, a JPEG
// rendered at a modest DPI. [PageLayout.Span] maps a span of that text
// (code-point offsets, as evidence spans are given) to rectangles in PDF
// points with the origin at the top-left corner of the displayed page, one
// per line the span crosses:
//
//	pages, err := e.Layout(ctx, data, "", pdftext.LayoutOptions{Render: func(n int) bool { return n == 1 }})
//	rects := pages[0].Span(23, 28) // where "99.50" is on page 1
//
// Multiply by ImageWidth/Width to draw them on the image.
//
// # Start-up cost and the compilation cache
//
// PDFium is a 5.75 MB WebAssembly module embedded in the binary. Before the
// first document, wazero compiles it to machine code: 3–4 s of one core and
// about 300 MB of memory. The result is kept in a compilation cache
// directory ([Options.CacheDir], by default os.UserCacheDir()/quarry/wazero),
// so every later start, in this process or another, takes about 0.2 s and
// 50 MB. Test binaries share the default directory, so only the first one
// compiles.
//
// [New] is cheap: the first call to [Extractor.Pages] starts an instance,
// and each of the [Options.Workers] instances starts when first needed.
// Instances share the compiled module, so only the first start costs.
//
// # Safety
//
// PDFium runs inside a WebAssembly sandbox with no file system (the document
// is given as bytes), no network and no access to the process's memory. A
// crash inside PDFium is an error, not a crash of the process. A document
// that takes longer than [Options.Timeout] (30 s by default), or whose ctx
// is cancelled, is stopped where it is: its instance is killed and thrown
// away, and a fresh one reads the next document. The same happens after any
// failure inside PDFium other than a plain "cannot open", so no document
// sees the state another one left.
//
// # Speed
//
// A warm Extractor with one worker reads the shared invoice corpus
// (../shared/corpus/invoices) at 70–75 pages/s on an idle 2-core machine,
// 1.6–2.3 times faster than running pdftotext once per file, whose process
// start dominates. Run the benchmarks to measure on yours:
//
//	go test ./pipeline/source/pdftext -run '^$' -bench . -benchtime 5x
package pdftext
