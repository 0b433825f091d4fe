// Command helm-render stands in for `helm template` in the chart test (test/deploy/helm-chart.test.ts).
// It is not helm: helm is in neither Debian's nor npm's registries here (npm's wrappers download it from
// the internet). Helm's template engine is Go's text/template with sprig's functions and a few of its own,
// and those Debian ships (golang-github-masterminds-sprig-dev, golang-k8s-sigs-yaml-dev), so this renders
// a chart the way helm 3 does for what a plain chart uses:
//   - .Values: values.yaml with each -f file laid over it (maps merge, null removes a key), parsed as
//     helm parses them (sigs.k8s.io/yaml: numbers are float64);
//   - .Release (Name, Namespace, IsInstall, IsUpgrade, Revision, Service "Helm"), .Chart (Chart.yaml under
//     helm's capitalised names), .Template (Name, BasePath), .Capabilities.KubeVersion (fixed);
//   - sprig's TxtFuncMap without env/expandenv, and helm's include, tpl, required, toYaml, fromYaml,
//     toJson and lookup (no cluster: an empty map, as with `helm template`);
//   - missingkey=zero and "<no value>" printed as nothing; _* files define templates and print nothing;
//     each document printed after `---` and a `# Source:` line.
//
// Left out: subcharts and dependencies, values.schema.json, --set, .Files, .Capabilities.APIVersions,
// toToml, fromYamlArray, hooks, NOTES.txt, and helm's reordering of documents by kind (they come in
// template file order).
//
// Build in GOPATH mode against Debian's packages (no network):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o helm-render .
//
// Usage: helm-render [-n NAMESPACE] [-f VALUES.yaml]... RELEASE CHART_DIR
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	// Debian installs sprig v3 at its GOPATH location without the /v3 of its module path.
	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

// chartMeta is helm's chart.Metadata: templates read Chart.yaml's fields under these names.
type chartMeta struct {
	APIVersion  string            `json:"apiVersion"`
	Name        string            `json:"name"`
	Version     string            `json:"version"`
	AppVersion  string            `json:"appVersion"`
	KubeVersion string            `json:"kubeVersion"`
	Description string            `json:"description"`
	Type        string            `json:"type"`
	Home        string            `json:"home"`
	Keywords    []string          `json:"keywords"`
	Annotations map[string]string `json:"annotations"`
}

type valueFiles []string

func (v *valueFiles) String() string     { return strings.Join(*v, ",") }
func (v *valueFiles) Set(s string) error { *v = append(*v, s); return nil }

// helm's release name rule: a DNS subdomain of at most 53 characters (room for suffixes).
var releaseName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// helm's split of a rendered file into documents (releaseutil.SplitManifests).
var docSep = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

func main() {
	var overrides valueFiles
	namespace := flag.String("n", "default", "the release's namespace")
	flag.Var(&overrides, "f", "a values file laid over values.yaml (repeatable; later wins)")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: helm-render [-n NAMESPACE] [-f VALUES.yaml]... RELEASE CHART_DIR")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), flag.Arg(1), *namespace, overrides); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}

func run(release, dir, namespace string, overrides []string) error {
	if len(release) > 53 || !releaseName.MatchString(release) {
		return fmt.Errorf("release name %q: lower-case letters, digits, '-' and '.', at most 53 characters", release)
	}
	var meta chartMeta
	if err := readYAML(filepath.Join(dir, "Chart.yaml"), &meta); err != nil {
		return err
	}
	if meta.Name == "" || meta.Version == "" {
		return errors.New("Chart.yaml: name and version are required")
	}
	values := map[string]interface{}{}
	for _, f := range append([]string{filepath.Join(dir, "values.yaml")}, overrides...) {
		var layer map[string]interface{}
		if err := readYAML(f, &layer); err != nil {
			return err
		}
		values = merge(values, layer)
	}
	top := map[string]interface{}{
		"Values":  values,
		"Chart":   meta,
		"Release": map[string]interface{}{"Name": release, "Namespace": namespace, "IsInstall": true, "IsUpgrade": false, "Revision": 1, "Service": "Helm"},
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{"Version": "v1.30.0", "GitVersion": "v1.30.0", "Major": "1", "Minor": "30"},
		},
	}
	return render(filepath.Join(dir, "templates"), meta.Name+"/templates", top)
}

func readYAML(path string, into interface{}) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(b, into); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// merge lays over onto base as helm does with -f: maps merge key by key, anything else replaces, and a
// null removes the key (helm's way to unset a default).
func merge(base, over map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		b, bIsMap := out[k].(map[string]interface{})
		o, oIsMap := v.(map[string]interface{})
		switch {
		case v == nil:
			delete(out, k)
		case bIsMap && oIsMap:
			out[k] = merge(b, o)
		default:
			out[k] = v
		}
	}
	return out
}

func render(dir, basePath string, top map[string]interface{}) error {
	t := template.New("gotpl").Option("missingkey=zero")
	funcs := funcMap(t)
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name := basePath + "/" + filepath.ToSlash(rel)
		if _, err := t.New(name).Funcs(funcs).Parse(string(b)); err != nil {
			return err
		}
		if !strings.HasPrefix(filepath.Base(p), "_") && filepath.Base(p) != "NOTES.txt" {
			names = append(names, name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		top["Template"] = map[string]interface{}{"Name": name, "BasePath": basePath}
		var out strings.Builder
		if err := t.ExecuteTemplate(&out, name, top); err != nil {
			return err
		}
		for _, doc := range docSep.Split(strings.ReplaceAll(out.String(), "<no value>", ""), -1) {
			if doc = strings.TrimSpace(doc); doc != "" {
				fmt.Printf("---\n# Source: %s\n%s\n", name, doc)
			}
		}
	}
	return nil
}

// funcMap is helm's: sprig's text functions without the environment, and helm's own.
func funcMap(t *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	depth := 0 // helm stops include recursion at 1000
	f["include"] = func(name string, data interface{}) (string, error) {
		if depth++; depth > 1000 {
			return "", fmt.Errorf("include %q: too deep (recursion?)", name)
		}
		defer func() { depth-- }()
		var out strings.Builder
		err := t.ExecuteTemplate(&out, name, data)
		return out.String(), err
	}
	f["tpl"] = func(text string, data interface{}) (string, error) {
		clone, err := t.Clone()
		if err != nil {
			return "", err
		}
		inline, err := clone.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var out strings.Builder
		err = inline.Execute(&out, data)
		return strings.ReplaceAll(out.String(), "<no value>", ""), err
	}
	f["required"] = func(msg string, v interface{}) (interface{}, error) {
		if s, isString := v.(string); v == nil || (isString && s == "") {
			return v, errors.New(msg)
		}
		return v, nil
	}
	f["toYaml"] = func(v interface{}) string {
		b, err := yaml.Marshal(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(b), "\n")
	}
	f["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["toJson"] = func(v interface{}) string {
		b, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(b)
	}
	f["lookup"] = func(apiVersion, kind, namespace, name string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	return f
}
