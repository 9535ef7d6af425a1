package generator

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The package comment is the map of the stages, in order: each stage may
// import the leaves it names and the stages before it, never one after.
func TestStagesImportEarlierOnes(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "generator.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	doc := f.Doc.Text()
	var stages []string
	for _, line := range strings.Split(doc, "\n") {
		if rest, ok := strings.CutPrefix(line, "\t"); ok && rest != "" && rest[0] != ' ' {
			stages = append(stages, strings.Fields(rest)[0])
		}
	}
	_, leafText, ok := strings.Cut(doc, "Leaves used by every stage:")
	leafText, _, _ = strings.Cut(leafText, "\n\n")
	var leaves []string
	for _, m := range regexp.MustCompile(`(\w+)\s+\(`).FindAllStringSubmatch(leafText, -1) {
		leaves = append(leaves, m[1])
	}
	if len(stages) < 10 || !ok || len(leaves) < 3 {
		t.Fatalf("the package comment maps stages %q and leaves %q", stages, leaves)
	}
	const prefix = "github.com/policysite/policysite/generator/"
	for i, stage := range append(stages, leaves...) {
		files, err := filepath.Glob(filepath.Join(stage, "*.go"))
		if err != nil || len(files) == 0 {
			t.Errorf("%s: no package generator/%s (%v)", stage, stage, err)
			continue
		}
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			g, err := parser.ParseFile(token.NewFileSet(), file, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range g.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				dep, ok := strings.CutPrefix(path, prefix)
				if !ok {
					continue
				}
				dep, _, _ = strings.Cut(dep, "/")
				switch j := slices.Index(stages, dep); {
				case i >= len(stages) && j >= 0:
					t.Errorf("%s imports the stage %s: a leaf imports no stage", file, dep)
				case i < len(stages) && j >= i:
					t.Errorf("%s imports %s, a later stage than %s", file, dep, stage)
				}
			}
		}
	}
}
