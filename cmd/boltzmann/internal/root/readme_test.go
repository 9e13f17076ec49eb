package root

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
)

// readmePath is the README of the repository, from this package's folder.
const readmePath = "../../../../README.md"

// readmeCommand is one command of the README: its words and where it is.
type readmeCommand struct {
	words []string
	line  int
	block bool // in a ```sh block (else an inline `boltzmann …` span)
	fence int  // the line of the block's opening fence
}

// readmeCommands returns the commands of the README's ```sh blocks (lines
// joined at a trailing backslash, comments dropped, split at &&, $VAR of
// the blocks' NAME=value lines expanded) and of its
// inline code spans that start with "boltzmann " and hold no placeholder
// syntax ({a,b}, [optional], a|b, …).
func readmeCommands(t *testing.T) []readmeCommand {
	t.Helper()
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	var cmds []readmeCommand
	lines := strings.Split(string(data), "\n")
	inBlock, sh, fence := false, false, 0
	span := regexp.MustCompile("`(boltzmann [^`]+)`")
	assign := regexp.MustCompile(`^([A-Z_][A-Z0-9_]*)=(\S+)$`)
	vars := map[string]string{} // shell variables set in the blocks
	// Inline spans may run over line breaks: look for them in whole
	// paragraphs.
	var para []string
	paraLine := 0
	flush := func() {
		for _, m := range span.FindAllStringSubmatch(strings.Join(para, " "), -1) {
			if !strings.ContainsAny(m[1], "{[|…") && !strings.Contains(m[1], "...") {
				cmds = append(cmds, readmeCommand{shellWords(t, m[1]), paraLine, false, 0})
			}
		}
		para = para[:0]
	}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "```") {
			flush()
			inBlock, sh, fence = !inBlock, !inBlock && strings.TrimPrefix(l, "```") == "sh", i+1
			continue
		}
		if !inBlock {
			if strings.TrimSpace(l) == "" {
				flush()
				continue
			}
			if len(para) == 0 {
				paraLine = i + 1
			}
			para = append(para, l)
			continue
		}
		if !sh {
			continue
		}
		start := i + 1
		for strings.HasSuffix(l, "\\") && i+1 < len(lines) {
			i++
			l = strings.TrimSuffix(l, "\\") + " " + lines[i]
		}
		if k := strings.Index(l, " #"); k >= 0 {
			l = l[:k]
		}
		if strings.HasPrefix(strings.TrimSpace(l), "#") || strings.TrimSpace(l) == "" {
			continue
		}
		if m := assign.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			vars[m[1]] = m[2]
			continue
		}
		for _, c := range strings.Split(l, "&&") {
			words := shellWords(t, c)
			for k, w := range words {
				words[k] = os.Expand(w, func(v string) string { return vars[v] })
			}
			cmds = append(cmds, readmeCommand{words, start, true, fence})
		}
	}
	flush()
	return cmds
}

// shellWords splits s into words as a shell would for these commands:
// blanks separate, single and double quotes group.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var w strings.Builder
	in, quote := false, rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		t.Fatalf("unbalanced quote in %q", s)
	}
	if in {
		words = append(words, w.String())
	}
	return words
}

// boltzmannArgs returns the arguments of a boltzmann command (after
// bin/boltzmann, bin/boltzmann-mpi or boltzmann, also under mpirun -n N),
// or ok false for another program.
func boltzmannArgs(words []string) (args []string, ok bool) {
	if len(words) > 0 && words[0] == "mpirun" {
		words = words[1:]
		for len(words) > 0 && strings.HasPrefix(words[0], "-") {
			if words[0] == "-n" || words[0] == "-np" {
				words = words[1:]
			}
			words = words[1:]
		}
	}
	if len(words) == 0 {
		return nil, false
	}
	switch words[0] {
	case "bin/boltzmann", "bin/boltzmann-mpi", "boltzmann":
		return words[1:], true
	}
	return nil, false
}

// TestREADMECommands: every command of the README's command blocks parses
// and passes the checks each command makes before reading a file (flags,
// values, their combinations), so that a renamed flag or a changed default
// cannot leave the README behind; the other programs of its command blocks
// are the build and test scripts and go build of a package that exists.
// The commands in the prose (inline code, often with placeholders such as
// RUN or -n N) name a command and flags that exist. The blocks themselves
// run in TestREADMERuns (build tag readme).
func TestREADMECommands(t *testing.T) {
	cmds := readmeCommands(t)
	if len(cmds) < 20 {
		t.Fatalf("found only %d commands in %s", len(cmds), readmePath)
	}
	for _, c := range cmds {
		if args, ok := boltzmannArgs(c.words); ok && !c.block {
			checkFlagNames(t, c.line, args)
			continue
		}
		if args, ok := boltzmannArgs(c.words); ok {
			var stderr bytes.Buffer
			f := &cmdutil.Factory{Stdout: io.Discard, Stderr: &stderr}
			root := newCmdRoot(f, true)
			root.SetArgs(args)
			root.SetOut(io.Discard)
			root.SetErr(&stderr)
			if err := root.Execute(); err != nil {
				t.Errorf("README line %d: boltzmann %s: exit %d: %v", c.line, strings.Join(args, " "), cmdutil.ExitCode(err), err)
			}
			continue
		}
		switch w := c.words; {
		case !c.block:
		case len(w) == 2 && w[0] == "bash":
			if _, err := os.Stat(filepath.Join("../../../..", w[1])); err != nil {
				t.Errorf("README line %d: bash %s: %v", c.line, w[1], err)
			}
		case len(w) >= 3 && w[0] == "go" && w[1] == "build":
			pkg := w[len(w)-1]
			if _, err := os.Stat(filepath.Join("../../../..", pkg, "main.go")); err != nil {
				t.Errorf("README line %d: go build %s: %v", c.line, pkg, err)
			}
		default:
			t.Errorf("README line %d: a command block runs %q, which the README test does not know", c.line, strings.Join(w, " "))
		}
	}
}

// checkFlagNames reports the words of a boltzmann command line (args
// after "boltzmann") that name no command or no flag of it.
func checkFlagNames(t *testing.T, line int, args []string) {
	t.Helper()
	root := newCmdRoot(&cmdutil.Factory{Stdout: io.Discard, Stderr: io.Discard}, true)
	if len(args) == 0 || args[0] == "help" {
		return
	}
	cmd, _, err := root.Find(args[:1])
	if err != nil || cmd == root {
		t.Errorf("README line %d: boltzmann %s: no such command", line, args[0])
		return
	}
	for _, a := range args[1:] {
		if !strings.HasPrefix(a, "-") || a == "-" {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		var found bool
		if strings.HasPrefix(a, "--") {
			found = cmd.Flags().Lookup(name) != nil || root.PersistentFlags().Lookup(name) != nil
		} else {
			found = cmd.Flags().ShorthandLookup(name[:1]) != nil || root.PersistentFlags().ShorthandLookup(name[:1]) != nil
		}
		if !found {
			t.Errorf("README line %d: boltzmann %s has no flag %s", line, args[0], a)
		}
	}
}
