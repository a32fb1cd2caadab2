package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Attachment is a file uploaded on a request.
type Attachment struct {
	ID          int64     `json:"id"`
	MessageID   *int64    `json:"message_id"` // nil until sent with a message
	UploaderID  int64     `json:"uploader_id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"` // sniffed by the server
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Internal    bool      `json:"internal"`
	CreatedAt   time.Time `json:"created_at"`
}

// ListAttachments returns the attachments of a request the caller may see.
func (c *Client) ListAttachments(ctx context.Context, number string) ([]Attachment, error) {
	return list[Attachment](ctx, c, requestPath(number)+"/attachments", nil)
}

// UploadAttachment uploads content as a file named name on a request, as
// multipart/form-data streamed from content (never held in memory). An
// internal file is seen by staff only. The upload is unsent until a message
// names it in AttachmentIDs. Options: WithIdempotencyKey.
func (c *Client) UploadAttachment(ctx context.Context, number, name string, content io.Reader, internal bool, opts ...UploadOption) (*Attachment, error) {
	var o uploadOptions
	for _, opt := range opts {
		opt(&o)
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", name)
		if err == nil {
			_, err = io.Copy(part, content)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	path := requestPath(number) + "/attachments"
	if internal {
		path += "?internal=true"
	}
	resp, err := c.send(ctx, http.MethodPost, path, idempotencyHeader(o.key), pr, mw.FormDataContentType(), true)
	pr.CloseWithError(io.ErrClosedPipe) // ends the writer if the server answered early
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := new(Attachment)
	if err := decodeBody(resp, out); err != nil {
		return nil, err
	}
	return out, nil
}

// UploadOption is an option of UploadAttachment.
type UploadOption func(*uploadOptions)

type uploadOptions struct{ key string }

// WithIdempotencyKey sends key as the Idempotency-Key header: a retry of the
// upload with the same key, name and content returns the attachment the
// first call stored instead of storing another.
func WithIdempotencyKey(key string) UploadOption {
	return func(o *uploadOptions) { o.key = key }
}

// Download is an attachment's content being read. The caller must close
// Body.
type Download struct {
	Body        io.ReadCloser
	Name        string // from Content-Disposition
	ContentType string
	// Length is the length of Body (-1 when unknown); Size is the whole
	// file's size (-1 when unknown).
	Length, Size int64
	// Partial reports a 206 answer to a Range; ContentRange is its header,
	// e.g. "bytes 0-9/120".
	Partial      bool
	ContentRange string
	LastModified time.Time
}

// ByteRange returns the value of a Range header asking for bytes first to
// last inclusive; last < 0 means to the end of the file.
func ByteRange(first, last int64) string {
	if last < 0 {
		return fmt.Sprintf("bytes=%d-", first)
	}
	return fmt.Sprintf("bytes=%d-%d", first, last)
}

// DownloadAttachment opens an attachment's content. A non-empty rng is sent
// as the Range header (see ByteRange): a satisfiable range answers the part
// (Partial), one beyond the end a *Problem with status 416.
func (c *Client) DownloadAttachment(ctx context.Context, number string, id int64, rng string) (*Download, error) {
	h := http.Header{"Accept": {"*/*"}}
	if rng != "" {
		h.Set("Range", rng)
	}
	resp, err := c.send(ctx, http.MethodGet, idPath(requestPath(number)+"/attachments", id), h, nil, "", true)
	if err != nil {
		return nil, err
	}
	d := &Download{Body: resp.Body, ContentType: resp.Header.Get("Content-Type"), Length: resp.ContentLength, Size: resp.ContentLength,
		Partial: resp.StatusCode == http.StatusPartialContent, ContentRange: resp.Header.Get("Content-Range")}
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		d.Name = params["filename"]
	}
	if t, err := http.ParseTime(resp.Header.Get("Last-Modified")); err == nil {
		d.LastModified = t
	}
	if d.Partial {
		d.Size = -1
		if _, total, ok := strings.Cut(d.ContentRange, "/"); ok {
			if n, err := strconv.ParseInt(total, 10, 64); err == nil {
				d.Size = n
			}
		}
	}
	return d, nil
}

// decodeBody decodes a JSON answer's body into out.
func decodeBody(resp *http.Response, out any) error {
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("casedesk client: reading %s response: %w", resp.Request.URL.Path, err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("casedesk client: decoding %s response: %w", resp.Request.URL.Path, err)
	}
	return nil
}
