package web_test

import (
	"io"
	"log/slog"
)

// slogJSON is a JSON logger at debug level writing to w.
func slogJSON(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
