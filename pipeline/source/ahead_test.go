package source

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// syncPDF is fakePDF safe for concurrent use, recording the most calls in
// flight at once. Each call waits until gate lets it go, if set.
type syncPDF struct {
	mu       sync.Mutex
	inFlight int
	most     int
	calls    atomic.Int32
	gate     chan struct{}
}

func (s *syncPDF) Pages(ctx context.Context, data []byte, password string) ([]string, error) {
	s.calls.Add(1)
	s.mu.Lock()
	s.inFlight++
	s.most = max(s.most, s.inFlight)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()
	if s.gate != nil {
		select {
		case <-s.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return (&fakePDF{}).Pages(ctx, data, password)
}

// TestReadAhead: with PDFAhead, the documents are those of a one-by-one
// read, in the same order, whatever the mix of PDFs and other files.
func TestReadAhead(t *testing.T) {
	files := map[string]string{}
	for i := range 40 {
		name := fmt.Sprintf("f%02d", i)
		switch i % 5 {
		case 0:
			files[name+".txt"] = "text " + name
		case 1:
			files[name+".csv"] = "id\n1\n2\n"
		case 2:
			files[name+".pdf"] = "%PDF-1.7\nCORRUPT"
		default:
			files[name+".pdf"] = "%PDF-1.7\npage one of " + name + "\fpage two"
		}
	}
	files["sub/empty.pdf"] = ""
	files["sub/not.pdf"] = "hello"
	root := writeTree(t, files)
	want := collect(t, []string{root}, Options{PDFText: &fakePDF{}})
	for _, n := range []int{2, 3, 8, 100} {
		for _, split := range []bool{false, true} {
			t.Run(fmt.Sprintf("ahead %d split %v", n, split), func(t *testing.T) {
				pdf := &syncPDF{}
				opts := Options{PDFText: pdf, PDFAhead: n, SplitPages: split}
				w := want
				if split {
					w = collect(t, []string{root}, Options{PDFText: &fakePDF{}, SplitPages: true})
				}
				if diff := cmp.Diff(w, collect(t, []string{root}, opts)); diff != "" {
					t.Errorf("(-one by one +ahead):\n%s", diff)
				}
			})
		}
	}
}

// TestReadAheadConcurrent: PDFs are read at the same time, at most
// PDFAhead at once, and leaving the loop early waits for the reads started.
func TestReadAheadConcurrent(t *testing.T) {
	files := map[string]string{}
	for i := range 10 {
		files[fmt.Sprintf("p%02d.pdf", i)] = "%PDF-1.7\ntext"
	}
	root := writeTree(t, files)
	pdf := &syncPDF{gate: make(chan struct{})}
	seq, err := Open(t.Context(), []string{root}, Options{PDFText: pdf, PDFAhead: 3})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	go func() {
		// Let reads go only once three are in flight: a one-by-one read
		// would never get there.
		for {
			pdf.mu.Lock()
			n := pdf.inFlight
			pdf.mu.Unlock()
			if n >= 3 {
				close(pdf.gate)
				return
			}
			select {
			case <-t.Context().Done():
				return
			default:
			}
			runtimeGosched()
		}
	}()
	for d := range seq {
		ids = append(ids, d.ID)
		if len(ids) == 4 {
			break
		}
	}
	if got := strings.Join(ids, " "); got != "p00.pdf p01.pdf p02.pdf p03.pdf" {
		t.Errorf("documents %s", got)
	}
	pdf.mu.Lock()
	defer pdf.mu.Unlock()
	if pdf.most != 3 {
		t.Errorf("at most %d reads at once, want 3", pdf.most)
	}
	if pdf.inFlight != 0 {
		t.Errorf("%d reads still running after the loop", pdf.inFlight)
	}
}

func runtimeGosched() { runtime.Gosched() }
