package pdftext_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"

	"github.com/seed0611af48/quarry/internal/pdfgen"
)

func TestRender(t *testing.T) {
	scan := image.NewGray(image.Rect(0, 0, 300, 120))
	var b bytes.Buffer
	if err := pdfgen.WriteMixed(&b, pdfgen.Page{Lines: []string{"Invoice 7"}}, pdfgen.Page{Image: scan},
		pdfgen.Page{Lines: []string{"Total"}}, pdfgen.Page{Image: scan}); err != nil {
		t.Fatal(err)
	}
	e := sharedExtractor(t)
	imgs, err := e.Render(t.Context(), b.Bytes(), "", []int{4, 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) != 2 {
		t.Fatalf("%d images for 2 pages", len(imgs))
	}
	for i, data := range imgs {
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width < 800 || cfg.Height < 1100 {
			t.Errorf("image %d: %dx%d, %v; want an A4 page at 110 DPI", i, cfg.Width, cfg.Height, err)
		}
	}
	if _, err := e.Render(t.Context(), b.Bytes(), "", []int{5}); err == nil {
		t.Error("rendering page 5 of 4 succeeded")
	}
}
