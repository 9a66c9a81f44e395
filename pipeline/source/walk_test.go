package source

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func ids(docs []summary) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.ID)
	}
	return out
}

func TestWalk(t *testing.T) {
	root := writeTree(t, map[string]string{
		"b.txt":                "b",
		"a.txt":                "a",
		"Z.md":                 "z",
		"notes.docx":           "unsupported",
		"README":               "no extension",
		".hidden.txt":          "hidden",
		".git/config.txt":      "hidden dir",
		".quarry/ledger.jsonl": `{"hidden":true}`,
		"2024/jan/c.pdf":       "%PDF-1.7\nc",
		"2024/d.txt":           "d",
		"2025/e.txt":           "e",
		"drafts/f.txt":         "f",
	})
	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{name: "all", want: []string{"2024/d.txt", "2024/jan/c.pdf", "2025/e.txt", "Z.md", "a.txt", "b.txt", "drafts/f.txt"}},
		{name: "include base name", opts: Options{Include: []string{"*.pdf"}}, want: []string{"2024/jan/c.pdf"}},
		{name: "include folder", opts: Options{Include: []string{"2024/**"}}, want: []string{"2024/d.txt", "2024/jan/c.pdf"}},
		{name: "include one level", opts: Options{Include: []string{"2024/*"}}, want: []string{"2024/d.txt"}},
		{name: "include any depth", opts: Options{Include: []string{"**/*.txt"}}, want: []string{"2024/d.txt", "2025/e.txt", "a.txt", "b.txt", "drafts/f.txt"}},
		{name: "exclude folder by name", opts: Options{Exclude: []string{"drafts", "2024"}}, want: []string{"2025/e.txt", "Z.md", "a.txt", "b.txt"}},
		{name: "exclude folder by glob", opts: Options{Exclude: []string{"2024/**"}}, want: []string{"2025/e.txt", "Z.md", "a.txt", "b.txt", "drafts/f.txt"}},
		{name: "include and exclude", opts: Options{Include: []string{"*.txt"}, Exclude: []string{"[ab].txt"}}, want: []string{"2024/d.txt", "2025/e.txt", "drafts/f.txt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(collect(t, []string{root}, tt.opts))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("IDs (-want +got):\n%s", diff)
			}
			n, err := Count(t.Context(), []string{root}, tt.opts)
			if err != nil || n != len(tt.want) {
				t.Errorf("Count = %d, %v; want %d", n, err, len(tt.want))
			}
		})
	}

	t.Run("stable across runs and roots", func(t *testing.T) {
		first := collect(t, []string{root}, Options{})
		if diff := cmp.Diff(first, collect(t, []string{root + string(filepath.Separator)}, Options{})); diff != "" {
			t.Errorf("second run differs:\n%s", diff)
		}
		sub := ids(collect(t, []string{filepath.Join(root, "2024")}, Options{}))
		if diff := cmp.Diff([]string{"d.txt", "jan/c.pdf"}, sub); diff != "" {
			t.Errorf("IDs under 2024 (-want +got):\n%s", diff)
		}
	})

	t.Run("unknown types logged", func(t *testing.T) {
		var log bytes.Buffer
		collect(t, []string{root}, Options{Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
		if !strings.Contains(log.String(), "notes.docx") || !strings.Contains(log.String(), "README") {
			t.Errorf("log lacks the skipped files:\n%s", log.String())
		}
	})

	t.Run("named inputs", func(t *testing.T) {
		got := collect(t, []string{filepath.Join(root, "notes.docx"), filepath.Join(root, "README"), filepath.Join(root, ".hidden.txt")}, Options{Exclude: []string{"*"}})
		want := []summary{
			{ID: "notes.docx", Err: `unsupported file type ".docx"; Quarry reads .txt .md .html .htm .json .jsonl .ndjson .csv .tsv .png .jpg .jpeg .webp .gif .pdf`},
			{ID: "README", Text: "no extension"},
			{ID: ".hidden.txt", Text: "hidden"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}

func TestSymlinks(t *testing.T) {
	root := writeTree(t, map[string]string{"docs/a.txt": "a", "other/b.txt": "b"})
	links := map[string]string{
		"docs/loop":    "..",                           // a loop back to the root
		"docs/self":    ".",                            // a loop to itself
		"docs/more":    "../other",                     // a folder elsewhere
		"docs/c.txt":   "../other/b.txt",               // a file elsewhere
		"docs/gone.md": filepath.Join(root, "nothing"), // a broken link
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Skipf("no symlinks here: %v", err)
		}
	}
	got := collect(t, []string{filepath.Join(root, "docs")}, Options{})
	var brief []string
	for _, d := range got {
		brief = append(brief, d.ID+" "+d.Text+d.Err)
	}
	want := []string{
		"a.txt a",
		"c.txt b",
		"gone.md broken link: no such file or directory",
		// loop/other/b.txt is the file c.txt already read: one file is read once.
		// "more" is other/, already walked through loop/other.
	}
	if diff := cmp.Diff(want, brief); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDuplicateIDs(t *testing.T) {
	root := writeTree(t, map[string]string{"a/x.txt": "1", "b/x.txt": "2"})
	got := collect(t, []string{filepath.Join(root, "a"), filepath.Join(root, "b")}, Options{})
	if len(got) != 2 || got[0].ID != "x.txt" || got[0].Text != "1" {
		t.Fatalf("got %+v", got)
	}
	if !strings.HasSuffix(got[1].ID, "b/x.txt") || !strings.Contains(got[1].Err, "name their common parent folder") {
		t.Errorf("second x.txt: %+v", got[1])
	}
	// The same folder twice is read once.
	if got := collect(t, []string{filepath.Join(root, "a"), filepath.Join(root, "a") + "/"}, Options{}); len(got) != 1 {
		t.Errorf("folder given twice: %+v", got)
	}
}

func TestOpenErrors(t *testing.T) {
	root := writeTree(t, map[string]string{"a.txt": "a"})
	tests := []struct {
		name   string
		inputs []string
		opts   Options
		want   string
		is     error
	}{
		{name: "missing input", inputs: []string{filepath.Join(root, "nope")}, want: "does not exist", is: fs.ErrNotExist},
		{name: "no inputs", want: "source: no inputs"},
		{name: "bad glob", inputs: []string{root}, opts: Options{Include: []string{"[a-"}}, want: `source: bad glob "[a-"`},
		{name: "bad template", inputs: []string{root}, opts: Options{Template: "{{.body"}, want: "source: template:"},
		{name: "column and template", inputs: []string{root}, opts: Options{Template: "x", TextColumn: "y"}, want: "not both"},
		{name: "unknown encoding", inputs: []string{root}, opts: Options{Encoding: "klingon"}, want: `unknown encoding "klingon"`},
		{name: "stdin twice", inputs: []string{"-", "-"}, want: "more than once"},
		{name: "bad PDF mode", inputs: []string{root}, opts: Options{PDF: 7}, want: "PDFMode(7)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(t.Context(), tt.inputs, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
			if _, err := Count(t.Context(), tt.inputs, tt.opts); err == nil {
				t.Errorf("Count: no error")
			}
		})
	}
}

func TestEarlyBreak(t *testing.T) {
	root := writeTree(t, map[string]string{
		"a.pdf": "%PDF-1.4\none", "b.pdf": "%PDF-1.4\ntwo", "c.pdf": "%PDF-1.4\nthree",
		"d.csv": "id\n1\n2\n3\n",
	})
	pdf := &fakePDF{}
	seq, err := Open(t.Context(), []string{root}, Options{PDFText: pdf})
	if err != nil {
		t.Fatal(err)
	}
	for d := range seq {
		if d.ID != "a.pdf" {
			t.Fatalf("first document %s", d.ID)
		}
		break
	}
	if pdf.calls != 1 {
		t.Errorf("extractor called %d times after a break at the first document", pdf.calls)
	}
	// Break inside a CSV file: no panic from yielding after false.
	n := 0
	for d := range seq {
		n++
		if d.ID == "d.csv#row=1" {
			break
		}
	}
	if n != 4 {
		t.Errorf("got %d documents before breaking at the first row, want 4", n)
	}
}

func TestContextCancel(t *testing.T) {
	root := writeTree(t, map[string]string{"a.txt": "a", "b.txt": "b", "c.csv": "id\n1\n2\n"})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	seq, err := Open(ctx, []string{root}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for d := range seq {
		got = append(got, d.ID)
		cancel()
	}
	if diff := cmp.Diff([]string{"a.txt"}, got); diff != "" {
		t.Errorf("after cancel (-want +got):\n%s", diff)
	}
}

func TestMaxFileSize(t *testing.T) {
	root := writeTree(t, map[string]string{"a.txt": strings.Repeat("x", 2000), "b.jsonl": "[1]\n[" + strings.Repeat("1,", 600) + "1]\n[2]\n", "c.csv": "id\n" + strings.Repeat("1\n", 1000)})
	got := collect(t, []string{root}, Options{MaxFileSize: 1000})
	want := []string{
		"a.txt: file is 2 KB, over the 1000 bytes limit",
		"b.jsonl#row=1: ",
		"b.jsonl#row=2: line 2 is over the 1000 bytes limit",
		"b.jsonl#row=3: ",
	}
	var brief []string
	for _, d := range got {
		if strings.HasPrefix(d.ID, "c.csv") {
			continue // streamed: no limit
		}
		brief = append(brief, d.ID+": "+d.Err)
	}
	if diff := cmp.Diff(want, brief); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(got)-len(brief) != 1000 {
		t.Errorf("got %d CSV rows, want 1000", len(got)-len(brief))
	}
}

func TestOverlappingInputsReadOnce(t *testing.T) {
	root := writeTree(t, map[string]string{"docs/sub/x.txt": "x", "docs/y.txt": "y"})
	docs := filepath.Join(root, "docs")
	for _, inputs := range [][]string{
		{docs, filepath.Join(docs, "sub")},
		{docs, filepath.Join(docs, "sub", "x.txt")},
		{filepath.Join(docs, "sub"), docs},
	} {
		got := collect(t, inputs, Options{})
		if len(got) != 2 {
			var ids []string
			for _, d := range got {
				ids = append(ids, d.ID)
			}
			t.Errorf("inputs %v: %d documents %v, want 2 (each file once)", inputs, len(got), ids)
		}
	}
}
