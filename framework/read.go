package framework

import (
	"fmt"
	"io"
)

// readLimited reads at most MaxSize bytes and fails beyond that rather than
// holding an arbitrarily large upload in memory.
func readLimited(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: file is larger than %d bytes (1 MiB), the most a framework file may hold", name, MaxSize)
	}
	return data, nil
}
