// Prints, for each Go file named on stdin, what go/parser (the go command's own parser) sees
// of its head: package name, imports with their byte offsets and aliases. An oracle for
// modlsp's tree-sitter scanner.
package main

import (
	"bufio"
	"encoding/json"
	"go/parser"
	"go/token"
	"os"
	"strconv"
)

type imp struct {
	Path  string  `json:"path"`
	Start int     `json:"start"`
	End   int     `json:"end"`
	Name  *string `json:"name"`
}

type file struct {
	File    string `json:"file"`
	Package string `json:"package"`
	Imports []imp  `json:"imports"`
	Error   string `json:"error,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		name := in.Text()
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		result := file{File: name, Imports: []imp{}}
		if err != nil {
			result.Error = err.Error()
		}
		if f != nil {
			result.Package = f.Name.Name
			for _, spec := range f.Imports {
				path, uerr := strconv.Unquote(spec.Path.Value)
				if uerr != nil {
					continue
				}
				i := imp{
					Path:  path,
					Start: fset.Position(spec.Path.Pos()).Offset,
					End:   fset.Position(spec.Path.End()).Offset,
				}
				if spec.Name != nil {
					n := spec.Name.Name
					i.Name = &n
				}
				result.Imports = append(result.Imports, i)
			}
		}
		if err := out.Encode(result); err != nil {
			panic(err)
		}
	}
}
