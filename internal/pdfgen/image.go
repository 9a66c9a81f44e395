package pdfgen

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"strings"
)

// WriteImageOnly writes a PDF with one page per image and no text layer: what
// a scanner produces. Each image is converted to black and white (1 bit per
// pixel, threshold at mid grey), stored as a Flate-compressed image XObject
// and scaled to fill the width of an A4 page, keeping its aspect ratio.
//
// A PDF reader finds no text on these pages; only OCR or a vision model can
// read them.
func WriteImageOnly(w io.Writer, pages ...image.Image) error {
	if len(pages) == 0 {
		return errors.New("pdfgen: no pages")
	}
	d := newDoc(w)
	kids := make([]string, len(pages))
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 3+3*i)
	}
	d.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
	d.object(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	for i, img := range pages {
		b := img.Bounds()
		if b.Empty() {
			return fmt.Errorf("pdfgen: page %d: empty image", i+1)
		}
		data, err := bilevel(img)
		if err != nil {
			return err
		}
		// Scale to the page width; shrink further if the image is taller
		// than the page.
		scale := float64(pageWidth) / float64(b.Dx())
		if h := float64(b.Dy()) * scale; h > pageHeight {
			scale = pageHeight / float64(b.Dy())
		}
		dw, dh := float64(b.Dx())*scale, float64(b.Dy())*scale
		content := fmt.Sprintf("q\n%.2f 0 0 %.2f 0 %.2f cm\n/Im1 Do\nQ\n", dw, dh, pageHeight-dh)

		page, stream, xobj := 3+3*i, 4+3*i, 5+3*i
		d.object(page, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "+
			"/Resources << /XObject << /Im1 %d 0 R >> >> /Contents %d 0 R >>", pageWidth, pageHeight, xobj, stream))
		d.stream(stream, "", []byte(content))
		d.stream(xobj, fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d "+
			"/ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode", b.Dx(), b.Dy()), data)
	}
	return d.finish()
}

// bilevel packs img into rows of 1-bit pixels (1 = white), zlib compressed.
func bilevel(img image.Image) ([]byte, error) {
	b := img.Bounds()
	stride := (b.Dx() + 7) / 8
	row := make([]byte, stride)
	var buf bytes.Buffer
	zw, err := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("pdfgen: %w", err)
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		clear(row)
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y >= 128 {
				i := x - b.Min.X
				row[i/8] |= 0x80 >> (i % 8)
			}
		}
		if _, err := zw.Write(row); err != nil {
			return nil, fmt.Errorf("pdfgen: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("pdfgen: %w", err)
	}
	return buf.Bytes(), nil
}
