// Command gensamples writes the sample invoices of Quarry's demo
// (quarry run --mock) and the extraction expected from each:
//
//	testdata/samples/invoices/<name>.pdf
//	testdata/expected/invoices/<name>.json
//
// Run it from anywhere in the repository:
//
//	go run ./internal/pdfgen/cmd/gensamples
//
// Three invoices have a text layer, one is a scan (the invoice rendered by
// PDFium to a black and white image, no text layer) and one is encrypted
// (user password "user", owner password "owner"). The encrypted one is a
// copy of pipeline/source/pdftext/testdata/encrypted.pdf, which qpdf made
// once from this command's plain version of it:
//
//	go run ./internal/pdfgen/cmd/gensamples -plain /tmp/plain.pdf
//	qpdf --encrypt user owner 256 -- /tmp/plain.pdf pipeline/source/pdftext/testdata/encrypted.pdf
//
// The output is deterministic; the package's test checks that the committed
// files match it.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"log"
	"os"
	"path/filepath"

	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/seed0611af48/quarry/internal/pdfgen"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

func main() {
	log.SetFlags(0)
	root := flag.String("root", "", "repository root (default: the directory holding go.mod, found upwards)")
	plain := flag.String("plain", "", "write the unencrypted version of the encrypted sample to this file and exit")
	flag.Parse()

	if *plain != "" {
		for _, inv := range invoices {
			if inv.mode == encrypted {
				var b bytes.Buffer
				if err := pdfgen.Write(&b, [][]string{inv.textLines()}); err != nil {
					log.Fatal(err)
				}
				if err := os.WriteFile(*plain, b.Bytes(), 0o644); err != nil {
					log.Fatal(err)
				}
			}
		}
		return
	}
	if *root == "" {
		r, err := repoRoot()
		if err != nil {
			log.Fatal(err)
		}
		*root = r
	}
	files, err := generate(*root)
	if err != nil {
		log.Fatal(err)
	}
	for name, data := range files {
		path := filepath.Join(*root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	log.Printf("wrote %d files under %s", len(files), *root)
}

// repoRoot returns the nearest directory upwards holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("gensamples: go.mod not found")
		}
		dir = parent
	}
}

// generate returns the sample files by path relative to root. root is read
// for the encrypted sample's source.
func generate(root string) (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, inv := range invoices {
		var pdf []byte
		switch inv.mode {
		case text:
			var b bytes.Buffer
			if err := pdfgen.Write(&b, [][]string{inv.textLines()}); err != nil {
				return nil, fmt.Errorf("%s: %w", inv.name, err)
			}
			pdf = b.Bytes()
		case scanned:
			var err error
			if pdf, err = scan(inv.textLines()); err != nil {
				return nil, fmt.Errorf("%s: %w", inv.name, err)
			}
		case encrypted:
			var err error
			if pdf, err = os.ReadFile(filepath.Join(root, "pipeline/source/pdftext/testdata/encrypted.pdf")); err != nil {
				return nil, fmt.Errorf("%s: %w", inv.name, err)
			}
		}
		js, err := json.MarshalIndent(inv.expected(), "", "  ")
		if err != nil {
			return nil, err
		}
		files[filepath.Join("testdata/samples/invoices", inv.name+".pdf")] = pdf
		files[filepath.Join("testdata/expected/invoices", inv.name+".json")] = append(js, '\n')
	}
	return files, nil
}

// scanDPI is the resolution of the scanned sample: readable by a vision
// model, a few KB as a 1-bit image.
const scanDPI = 150

// scan writes lines as a PDF, renders its page with PDFium and returns an
// image-only PDF of the rendering.
func scan(lines []string) ([]byte, error) {
	var src bytes.Buffer
	if err := pdfgen.Write(&src, [][]string{lines}); err != nil {
		return nil, err
	}
	ctx := context.Background()
	// The same configuration as pdftext's, so both use one cache entry.
	cfg := wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		WithCloseOnContextDone(true)
	if dir, err := os.UserCacheDir(); err == nil {
		if cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(dir, "quarry", "wazero")); err == nil {
			defer cache.Close(ctx)
			cfg = cfg.WithCompilationCache(cache)
		}
	}
	pool, err := webassembly.Init(webassembly.Config{
		MinIdle: 1, MaxIdle: 1, MaxTotal: 1,
		FSConfig:      wazero.NewFSConfig(),
		RuntimeConfig: cfg,
	})
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	inst, err := pool.GetInstanceWithContext(ctx)
	if err != nil {
		return nil, err
	}
	defer inst.Close()
	data := src.Bytes()
	doc, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
	if err != nil {
		return nil, err
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
	r, err := inst.RenderPageInDPI(&requests.RenderPageInDPI{
		Page:        requests.Page{ByIndex: &requests.PageByIndex{Document: doc.Document, Index: 0}},
		DPI:         scanDPI,
		ImageFormat: requests.RenderImageFormatGrayscale,
	})
	if err != nil {
		return nil, err
	}
	defer r.Cleanup()
	var out bytes.Buffer
	if err := pdfgen.WriteImageOnly(&out, image.Image(r.Result.RenderedImage)); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
