package client

import (
	"context"
	"iter"
)

// pages yields the items of every page fetch returns, starting from the
// cursor "" and following the cursor each page names until it names ""
// (the last page). An error is yielded once, as the last pair. Stopping
// the loop early fetches no further page.
func pages[T any](ctx context.Context, fetch func(ctx context.Context, cursor string) ([]T, string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		cursor := ""
		for {
			items, next, err := fetch(ctx, cursor)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" || next == cursor || len(items) == 0 {
				return
			}
			cursor = next
		}
	}
}

// Collect gathers the items of a sequence such as Client.Requests into a
// slice, stopping at the first error.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for it, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, it)
	}
	return out, nil
}
