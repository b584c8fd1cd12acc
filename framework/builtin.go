package framework

import (
	"embed"
	"fmt"
	"os"
	"path"
	"sort"

	"github.com/cxmhq/cxm"
)

//go:embed builtin/*.yaml
var builtinFiles embed.FS

// builtins are parsed once, at first use; they are tested to be valid.
var builtins = func() map[string]*cxm.Framework {
	m := map[string]*cxm.Framework{}
	entries, _ := builtinFiles.ReadDir("builtin")
	for _, e := range entries {
		name := path.Join("builtin", e.Name())
		data, _ := builtinFiles.ReadFile(name)
		f, err := Parse(name, data)
		if err != nil {
			panic(fmt.Sprintf("built-in framework %s is invalid: %v", name, err)) // caught by TestBuiltins
		}
		m[f.ID] = f
	}
	return m
}()

// Builtins returns the frameworks that ship with cxm, sorted by id.
func Builtins() []*cxm.Framework {
	out := make([]*cxm.Framework, 0, len(builtins))
	for _, f := range builtins {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Builtin returns the built-in framework with the given id.
func Builtin(id string) (*cxm.Framework, bool) {
	f, ok := builtins[id]
	return f, ok
}

// BuiltinSource returns the YAML text of a built-in framework.
func BuiltinSource(id string) ([]byte, bool) {
	if _, ok := builtins[id]; !ok {
		return nil, false
	}
	data, err := builtinFiles.ReadFile(path.Join("builtin", id+".yaml"))
	return data, err == nil
}

// Load reads a framework file ("-" is standard input).
func Load(name string) (*cxm.Framework, error) {
	data, err := readFile(name)
	if err != nil {
		return nil, err
	}
	return Parse(name, data)
}

// LoadLint reads a framework file ("-" is standard input) with its
// warnings (Lint).
func LoadLint(name string) (*cxm.Framework, cxm.ErrorList, error) {
	data, err := readFile(name)
	if err != nil {
		return nil, nil, err
	}
	return Lint(name, data)
}

// Resolve returns the built-in framework with id ref or, when there is none,
// reads ref as a file.
func Resolve(ref string) (*cxm.Framework, error) {
	if f, ok := Builtin(ref); ok {
		return f, nil
	}
	if _, err := os.Stat(ref); err != nil && ref != "-" && slug.MatchString(ref) {
		return nil, fmt.Errorf("no built-in framework %q and no such file (built-ins: %s)", ref, builtinIDs())
	}
	return Load(ref)
}

func builtinIDs() string {
	s := ""
	for i, f := range Builtins() {
		if i > 0 {
			s += ", "
		}
		s += f.ID
	}
	return s
}

func readFile(name string) ([]byte, error) {
	if name == "-" {
		return readLimited(os.Stdin, "standard input")
	}
	fh, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return readLimited(fh, name)
}
