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
		if err := d.imagePage(3+3*i, img); err != nil {
			return err
		}
	}
	return d.finish()
}

// imagePage writes a page showing img as objects page, page+1 (its content)
// and page+2 (the image).
func (d *doc) imagePage(page int, img image.Image) error {
	b := img.Bounds()
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

	stream, xobj := page+1, page+2
	d.object(page, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "+
		"/Resources << /XObject << /Im1 %d 0 R >> >> /Contents %d 0 R >>", pageWidth, pageHeight, xobj, stream))
	d.stream(stream, "", []byte(content))
	d.stream(xobj, fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d "+
		"/ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode", b.Dx(), b.Dy()), data)
	return nil
}

// A Page of [WriteMixed]: lines of text, or, when Image is set, a picture
// and no text layer.
type Page struct {
	Lines []string
	Image image.Image
}

// WriteMixed writes a PDF whose pages are text pages (as [Write] makes
// them) or scanned pages (as [WriteImageOnly] makes them), in order: a
// document whose later pages are scans, say.
func WriteMixed(w io.Writer, pages ...Page) error {
	if len(pages) == 0 {
		return errors.New("pdfgen: no pages")
	}
	// Objects: 1 catalog, 2 page tree, 3 font, then 2 per text page
	// (page, content) and 3 per image page (page, content, image).
	nums := make([]int, len(pages))
	kids := make([]string, len(pages))
	next := 4
	for i, p := range pages {
		nums[i] = next
		kids[i] = fmt.Sprintf("%d 0 R", next)
		if p.Image != nil {
			if p.Image.Bounds().Empty() {
				return fmt.Errorf("pdfgen: page %d: empty image", i+1)
			}
			next += 3
		} else {
			next += 2
		}
	}
	d := newDoc(w)
	d.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
	d.object(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	d.object(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	for i, p := range pages {
		if p.Image != nil {
			if err := d.imagePage(nums[i], p.Image); err != nil {
				return err
			}
			continue
		}
		c, err := textContent(i, p.Lines)
		if err != nil {
			return err
		}
		d.object(nums[i], fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "+
			"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", pageWidth, pageHeight, nums[i]+1))
		d.stream(nums[i]+1, "", c)
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
