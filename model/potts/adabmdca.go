package potts

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteAdabmDCA writes the parameters in the text format of adabmDCA 2.0
// (the "params.dat" file): first one line per coupling with i < j,
//
//	J i j a b value
//
// then one line per field,
//
//	h i a value
//
// with 0-based site indices i, j (as adabmDCA writes them) and the states a,
// b written as the symbols of m.Alphabet (adabmDCA's current format), or as
// 0-based integer codes when the model has no alphabet (adabmDCA's "old"
// format). Values are written with the shortest representation that reads
// back exactly. The parameters are written as they are, in their current
// gauge.
func (m *Model) WriteAdabmDCA(w io.Writer) error {
	if m.Alphabet != "" && len(m.Alphabet) != m.q {
		return fmt.Errorf("potts: alphabet %q has %d symbols, model has q = %d", m.Alphabet, len(m.Alphabet), m.q)
	}
	bw := bufio.NewWriter(w)
	state := func(a int) string {
		if m.Alphabet != "" {
			return m.Alphabet[a : a+1]
		}
		return strconv.Itoa(a)
	}
	var line []byte
	for i := range m.l {
		for j := i + 1; j < m.l; j++ {
			for a := range m.q {
				for b := range m.q {
					line = append(line[:0], "J "...)
					line = strconv.AppendInt(line, int64(i), 10)
					line = append(line, ' ')
					line = strconv.AppendInt(line, int64(j), 10)
					line = append(line, ' ')
					line = append(line, state(a)...)
					line = append(line, ' ')
					line = append(line, state(b)...)
					line = append(line, ' ')
					line = strconv.AppendFloat(line, m.Coupling(i, j, a, b), 'g', -1, 64)
					line = append(line, '\n')
					bw.Write(line)
				}
			}
		}
	}
	for i := range m.l {
		for a := range m.q {
			line = append(line[:0], "h "...)
			line = strconv.AppendInt(line, int64(i), 10)
			line = append(line, ' ')
			line = append(line, state(a)...)
			line = append(line, ' ')
			line = strconv.AppendFloat(line, m.Field(i, a), 'g', -1, 64)
			line = append(line, '\n')
			bw.Write(line)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("potts: writing adabmDCA parameters: %w", err)
	}
	return nil
}

// ReadAdabmDCA reads parameters in the adabmDCA text format (see
// WriteAdabmDCA). States may be symbols of alphabet or 0-based integer codes
// (the old format; alphabet may then be ""). L is one more than the largest
// site index and q is len(alphabet), or one more than the largest integer
// state without an alphabet. Missing entries are zero; a coupling given for
// i > j is stored as J_ji; blank lines and lines starting with '#' are
// skipped. The model's Alphabet is set to alphabet.
func ReadAdabmDCA(r io.Reader, alphabet string) (*Model, error) {
	type entry struct {
		i, j, a, b int
		v          float64
	}
	var js, hs []entry
	maxSite, maxState := -1, -1
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		bad := func(msg string, args ...any) error {
			return fmt.Errorf("potts: adabmDCA parameters, line %d: %s (want \"J i j a b value\" or \"h i a value\")",
				lineNo, fmt.Sprintf(msg, args...))
		}
		site := func(s string) (int, error) {
			k, err := strconv.Atoi(s)
			if err != nil || k < 0 || k >= 1<<20 {
				return 0, bad("site index %q is not a non-negative integer", s)
			}
			maxSite = max(maxSite, k)
			return k, nil
		}
		state := func(s string) (int, error) {
			if alphabet != "" && len(s) == 1 {
				if k := strings.IndexByte(alphabet, s[0]); k >= 0 {
					return k, nil
				}
			}
			k, err := strconv.Atoi(s)
			if err != nil || k < 0 || k > 255 || (alphabet != "" && k >= len(alphabet)) {
				if alphabet == "" {
					return 0, bad("state %q is not an integer code in [0, 256); pass the alphabet to read symbols", s)
				}
				return 0, bad("state %q is neither a symbol of the alphabet %q nor a code below %d", s, alphabet, len(alphabet))
			}
			maxState = max(maxState, k)
			return k, nil
		}
		var e entry
		var err error
		switch {
		case f[0] == "J" && len(f) == 6:
			if e.i, err = site(f[1]); err != nil {
				return nil, err
			}
			if e.j, err = site(f[2]); err != nil {
				return nil, err
			}
			if e.i == e.j {
				return nil, bad("coupling of site %d with itself", e.i)
			}
			if e.a, err = state(f[3]); err != nil {
				return nil, err
			}
			if e.b, err = state(f[4]); err != nil {
				return nil, err
			}
		case f[0] == "h" && len(f) == 4:
			if e.i, err = site(f[1]); err != nil {
				return nil, err
			}
			if e.a, err = state(f[2]); err != nil {
				return nil, err
			}
		default:
			return nil, bad("unrecognised line %q", sc.Text())
		}
		if e.v, err = strconv.ParseFloat(f[len(f)-1], 64); err != nil {
			return nil, bad("value %q is not a number", f[len(f)-1])
		}
		if f[0] == "J" {
			js = append(js, e)
		} else {
			hs = append(hs, e)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("potts: reading adabmDCA parameters: %w", err)
	}
	if maxSite < 0 {
		return nil, fmt.Errorf("potts: adabmDCA parameters: no J or h lines")
	}
	q := len(alphabet)
	if q == 0 {
		q = maxState + 1
	}
	m := New(maxSite+1, q)
	m.Alphabet = alphabet
	for _, e := range hs {
		m.SetField(e.i, e.a, e.v)
	}
	for _, e := range js {
		m.SetCoupling(e.i, e.j, e.a, e.b, e.v)
	}
	return m, nil
}
