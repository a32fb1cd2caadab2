package main

import (
	"context"
	"io"
)

func seedDemo(ctx context.Context, a *App, stdout io.Writer) error {
	return nil
}
