package source

import (
	"bytes"
	"image"
	_ "image/gif" // image.DecodeConfig checks GIF headers
	_ "image/jpeg"
	_ "image/png"

	"github.com/seed0611af48/quarry/pipeline"
)

// readImage reads a PNG, JPEG, WebP or GIF file as one image part. The
// MIME type comes from the bytes, not the extension.
func (it *iteration) readImage(f file, yield func(pipeline.Document) bool) bool {
	data, bad := it.readAll(f)
	if bad != nil {
		return yield(*bad)
	}
	if len(data) == 0 {
		return yield(failed(f.id, f.path, 0, ErrEmpty, nil, "empty file"))
	}
	mime := imageType(data)
	if mime == "" {
		return yield(failed(f.id, f.path, 0, ErrMalformed, nil,
			"not an image: a %s whose bytes are not PNG, JPEG, WebP or GIF (they look like %s)", kindName(f), sniffedAs(data)))
	}
	if mime != "image/webp" {
		if _, _, err := image.DecodeConfig(bytes.NewReader(data)); err != nil {
			return yield(failed(f.id, f.path, 0, ErrMalformed, err, "corrupt %s image: %v", mime, err))
		}
	}
	return yield(pipeline.Document{ID: f.id, Source: f.path, Parts: []pipeline.Part{{
		Kind: pipeline.PartImage, Data: data, MIMEType: mime, Filename: it.filename(f),
	}}})
}
