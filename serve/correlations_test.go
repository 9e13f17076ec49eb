package serve

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"boltzmann/runs"
)

// TestCorrelationsEndpoint: /api/runs/ID/correlations is 404 until the
// run has a correlations.json, then serves it as JSON, with its version in
// /api/runs; a torn rewrite keeps the previous document, and a symbolic
// link out of the run is 404.
func TestCorrelationsEndpoint(t *testing.T) {
	tmp := t.TempDir()
	dir := finishedRun(t, tmp, "dca", 1)
	h := newHandler(t, dir)
	if w := get(t, h, "/api/runs/0/correlations"); w.Code != 404 {
		t.Fatalf("without correlations.json: %d", w.Code)
	}
	c := runs.NewCorrelations(12, []float64{0.1, -0.2, 0.05}, []float64{0.09, -0.18, 0.07})
	if err := runs.WriteCorrelations(dir, c); err != nil {
		t.Fatal(err)
	}
	check := func(what string) {
		t.Helper()
		w := get(t, h, "/api/runs/0/correlations")
		if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("%s: %d %q", what, w.Code, w.Header().Get("Content-Type"))
		}
		var got runs.Correlations
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got.Update != 12 || len(got.Data) != 3 || got.Model[2] != 0.07 ||
			got.Pearson != c.Pearson {
			t.Errorf("%s: %s (%v)", what, w.Body, err)
		}
	}
	check("written")
	var list []RunInfo
	if err := json.Unmarshal(get(t, h, "/api/runs").Body.Bytes(), &list); err != nil || len(list) != 1 || list[0].Correlations == "" {
		t.Errorf("/api/runs does not name the correlations: %+v, %v", list, err)
	}
	path := filepath.Join(dir, runs.CorrelationsFile)
	if err := os.WriteFile(path, []byte(`{"update": 13, "data": [0.1, 0.`), 0o644); err != nil {
		t.Fatal(err)
	}
	check("torn rewrite")
	os.Remove(path)
	secret := filepath.Join(tmp, "secret.json")
	os.WriteFile(secret, []byte(`{"update": 1, "data": [1], "model": [1], "secret": true}`), 0o644)
	if err := os.Symlink(secret, path); err != nil {
		t.Skip("no symbolic links:", err)
	}
	if w := get(t, h, "/api/runs/0/correlations"); w.Code != 404 {
		t.Errorf("through a symbolic link out of the run: %d %s", w.Code, w.Body)
	}
}
