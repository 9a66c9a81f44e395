package batch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"
)

// API is the part of the OpenAI API a batch run, [Status] and [Cancel] use:
// the Files and Batches endpoints, and the cancel endpoint of background
// responses. [NewAPI] implements it with openai-go; tests may fake it.
type API interface {
	// UploadFile uploads the JSONL file at path with purpose "batch" and
	// returns its file ID.
	UploadFile(ctx context.Context, path string) (string, error)
	// CreateBatch creates a batch for the /v1/responses endpoint with the
	// 24h completion window.
	CreateBatch(ctx context.Context, inputFileID string, metadata map[string]string) (*openai.Batch, error)
	// FindBatch returns the batch created from inputFileID since the given
	// time, or nil (and no error) when there is none.
	FindBatch(ctx context.Context, inputFileID string, since time.Time) (*openai.Batch, error)
	GetBatch(ctx context.Context, id string) (*openai.Batch, error)
	CancelBatch(ctx context.Context, id string) (*openai.Batch, error)
	// FileContent streams a file's content; the caller closes it.
	FileContent(ctx context.Context, fileID string) (io.ReadCloser, error)
	// CancelResponse cancels a background response (idempotent).
	CancelResponse(ctx context.Context, id string) (*responses.Response, error)
}

// NewAPI returns the [API] of an openai-go client. opts are passed to every
// request, untouched.
func NewAPI(client *openai.Client, opts ...option.RequestOption) API {
	return &sdkAPI{c: client, opts: opts}
}

type sdkAPI struct {
	c    *openai.Client
	opts []option.RequestOption
}

func (a *sdkAPI) with(extra ...option.RequestOption) []option.RequestOption {
	return append(append([]option.RequestOption(nil), a.opts...), extra...)
}

// UploadFile streams the file: openai-go v3.96.0 builds a multipart body in
// memory (FileNewParams.MarshalMultipart), which would hold a 200 MB batch
// file in RAM, so the body is written here as prefix + file + suffix with
// its exact Content-Length. A streamed body is not replayable, so the SDK
// does not retry it; Run retries the upload itself.
func (a *sdkAPI) UploadFile(ctx context.Context, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	if err := mw.WriteField("purpose", "batch"); err != nil {
		return "", err
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filepath.Base(path)))
	h.Set("Content-Type", "application/jsonl")
	if _, err := mw.CreatePart(h); err != nil {
		return "", err
	}
	prefix := bytes.Clone(head.Bytes())
	head.Reset()
	if err := mw.Close(); err != nil {
		return "", err
	}
	suffix := append([]byte("\r\n"), bytes.TrimPrefix(head.Bytes(), []byte("\r\n"))...)
	size := int64(len(prefix)) + st.Size() + int64(len(suffix))
	body := io.MultiReader(bytes.NewReader(prefix), f, bytes.NewReader(suffix))
	fo, err := a.c.Files.New(ctx, openai.FileNewParams{Purpose: openai.FilePurposeBatch}, a.with(
		option.WithRequestBody(mw.FormDataContentType(), body),
		option.WithMiddleware(func(r *http.Request, next option.MiddlewareNext) (*http.Response, error) {
			r.ContentLength = size
			return next(r)
		}),
	)...)
	if err != nil {
		return "", err
	}
	return fo.ID, nil
}

func (a *sdkAPI) CreateBatch(ctx context.Context, fileID string, metadata map[string]string) (*openai.Batch, error) {
	// No transport retry: a retried create whose first reply was lost would
	// start a second, billed batch. The caller looks for the batch first.
	return a.c.Batches.New(ctx, openai.BatchNewParams{
		InputFileID:      fileID,
		Endpoint:         openai.BatchNewParamsEndpointV1Responses,
		CompletionWindow: openai.BatchNewParamsCompletionWindow24h,
		Metadata:         metadata,
	}, append(a.with(), option.WithMaxRetries(0))...)
}

// FindBatch pages through the organisation's batches, newest first, and
// stops at the first one created before since. Any error, a 404 included, is
// returned: guessing "no batch" could submit the same requests twice.
func (a *sdkAPI) FindBatch(ctx context.Context, fileID string, since time.Time) (*openai.Batch, error) {
	pager := a.c.Batches.ListAutoPaging(ctx, openai.BatchListParams{}, a.with()...)
	for pager.Next() {
		b := pager.Current()
		if b.InputFileID == fileID {
			return &b, nil
		}
		if time.Unix(b.CreatedAt, 0).Before(since.Add(-time.Minute)) {
			return nil, nil
		}
	}
	if err := pager.Err(); err != nil {
		return nil, fmt.Errorf("batch: listing batches to find the one made from %s: %w", fileID, err)
	}
	return nil, nil
}

func (a *sdkAPI) GetBatch(ctx context.Context, id string) (*openai.Batch, error) {
	return a.c.Batches.Get(ctx, id, a.with()...)
}

func (a *sdkAPI) CancelBatch(ctx context.Context, id string) (*openai.Batch, error) {
	return a.c.Batches.Cancel(ctx, id, a.with()...)
}

func (a *sdkAPI) FileContent(ctx context.Context, fileID string) (io.ReadCloser, error) {
	res, err := a.c.Files.Content(ctx, fileID, a.with()...)
	if err != nil {
		return nil, err
	}
	return res.Body, nil
}

func (a *sdkAPI) CancelResponse(ctx context.Context, id string) (*responses.Response, error) {
	return a.c.Responses.Cancel(ctx, id, a.with()...)
}

// transient reports whether err is worth trying again: a connection error
// or an answer whose status says so ([retryableStatus]).
func transient(err error) bool {
	var oe *openai.Error
	if errors.As(err, &oe) {
		return retryableStatus(oe.StatusCode)
	}
	return true
}

// retryableStatus reports whether an HTTP status is one openai-go's
// client retries: 408, 409, 429 or 5xx.
func retryableStatus(s int) bool {
	return s == http.StatusRequestTimeout || s == http.StatusConflict || s == http.StatusTooManyRequests || s >= 500
}
