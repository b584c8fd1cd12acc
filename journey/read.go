package journey

import (
	"embed"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/cxmhq/cxm"
)

//go:embed builtin/*.yaml
var builtinFiles embed.FS

// builtins are parsed once, at first use; they are tested to be valid.
var builtins = func() map[string]*cxm.Journey {
	m := map[string]*cxm.Journey{}
	entries, _ := builtinFiles.ReadDir("builtin")
	for _, e := range entries {
		name := path.Join("builtin", e.Name())
		data, _ := builtinFiles.ReadFile(name)
		j, err := Parse(name, data)
		if err != nil {
			panic(fmt.Sprintf("built-in journey %s is invalid: %v", name, err)) // caught by TestBuiltins
		}
		m[j.ID] = j
	}
	return m
}()

// Builtins returns the example journeys that ship with cxm, sorted by id.
func Builtins() []*cxm.Journey {
	out := make([]*cxm.Journey, 0, len(builtins))
	for _, j := range builtins {
		out = append(out, j)
	}
	sort.Slice(out, func(i, k int) bool { return out[i].ID < out[k].ID })
	return out
}

// Builtin returns the built-in journey with the given id.
func Builtin(id string) (*cxm.Journey, bool) {
	j, ok := builtins[id]
	return j, ok
}

// BuiltinSource returns the YAML text of a built-in journey.
func BuiltinSource(id string) ([]byte, bool) {
	if _, ok := builtins[id]; !ok {
		return nil, false
	}
	data, err := builtinFiles.ReadFile(path.Join("builtin", id+".yaml"))
	return data, err == nil
}

// Load reads a journey file ("-" is standard input).
func Load(name string) (*cxm.Journey, error) {
	data, err := ReadFile(name)
	if err != nil {
		return nil, err
	}
	return Parse(name, data)
}

// Resolve returns the built-in journey with id ref or, when there is none,
// reads ref as a file.
func Resolve(ref string) (*cxm.Journey, error) {
	if j, ok := Builtin(ref); ok {
		return j, nil
	}
	if _, err := os.Stat(ref); err != nil && ref != "-" && slug.MatchString(ref) {
		ids := []string{}
		for _, j := range Builtins() {
			ids = append(ids, j.ID)
		}
		return nil, fmt.Errorf("no built-in journey %q and no such file (built-ins: %s)", ref, strings.Join(ids, ", "))
	}
	return Load(ref)
}

// ReadFile reads at most MaxSize bytes of a journey file ("-" is standard
// input) and fails beyond that rather than hold a huge upload in memory.
func ReadFile(name string) ([]byte, error) {
	r := io.Reader(os.Stdin)
	if name != "-" {
		fh, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		r = fh
	} else {
		name = "standard input"
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: file is larger than %d bytes (1 MiB), the most a journey file may hold", name, MaxSize)
	}
	return data, nil
}
