// Package serve is the live view of training runs: an http.Handler that
// serves one page, with its assets embedded in the binary, over one or
// more run directories (package runs), updated by server-sent events as
// their histories grow. It is what 'boltzmann serve RUN_DIR ...' and
// 'boltzmann train --serve HOST:PORT' listen with; a Go program serves
// its own runs the same way:
//
//	h, err := serve.New([]string{"runs/bas"}, nil)
//	...
//	settings.Recorders = append(settings.Recorders, h.Recorder(0)) // optional: in-process feed
//	go http.Serve(listener, h)
//	defer h.Close()
//
// # What the page shows
//
// Learning curves from history.jsonl (exact log-likelihood, pseudo-log-
// likelihood, reconstruction error, their validation curves, log Z; for
// bmDCA runs the Pearson correlations and the slope, and the scatter of
// the model's connected correlations against the data's from
// correlations.json), the chains' mixing (autocorrelation time of their
// free energy; parallel tempering's swap acceptance and round trips), the
// learning rate,
// the time per epoch and the estimated remaining time, the AIS estimate of
// 'boltzmann evaluate RUN_DIR DATA --json > RUN_DIR/evaluation.json' with
// both bounds, and for image data the fantasy particles of checkpoint.bin
// and the hidden units' weight filters of model.npz, rendered as PNG by
// package figure. Several runs are overlaid on the same plots; every
// plot's data downloads as CSV.
//
// # Endpoints
//
//	GET /                          the page
//	GET /assets/NAME               embedded scripts and styles (uPlot, vendored: assets/vendor)
//	GET /api/runs                  the runs: name, directory, model kind, versions of their files
//	GET /api/runs/ID/config        config.json of run ID (0, 1, … in the order given)
//	GET /api/runs/ID/history       {"id", "version", "from", "total", "records": [history.jsonl records
//	                               from ?from=N on], "progress", "run", "evaluation"}: all a page shows
//	GET /api/runs/ID/history.csv   the history as CSV, one column per measured quantity
//	GET /api/runs/ID/evaluation    evaluation.json (404 when absent)
//	GET /api/runs/ID/correlations  correlations.json of a bmDCA run: C_ij(a,b) of data and model
//	                               (runs.Correlations; 404 when absent)
//	GET /api/runs/ID/samples.png   fantasy particles of checkpoint.bin (404 unless image data)
//	GET /api/runs/ID/filters.png   weight filters of model.npz (404 unless an RBM on image data)
//	GET /api/events                server-sent events: "history" with a run's new records (the
//	                               history document) when its files change, "progress" as
//	                               updates are made (in-process feed); at most one event per
//	                               250 ms for a burst of changes
//
// # Safety
//
// The handler is read-only: only GET and HEAD are answered, and nothing is
// written. It reads only the known files of each run directory (the names
// above), through an os.Root, so that neither a path in a request nor a
// symbolic link pointing out of the run reaches another file; anything
// else is 404. Files are read whole and parsed before they are served:
// the runs package replaces them atomically, and a file caught half
// written by another writer (a history line without its end, invalid
// JSON) is ignored until the next look, so the page never receives a torn
// document. Binding to 127.0.0.1 by default is the command line's part.
//
// # Watching
//
// Each run's files are looked at (their size and modification time) on
// every request and every Options.Poll by one goroutine, and re-read when
// they change: this follows a finished run, a run trained by another
// process, and a run trained in this process, whose Recorder also pushes
// each new record and the update counter without waiting for the files.
// Connected pages cost training nothing but the look at the files: the
// recorder takes a lock and copies the new records, and the events are
// written by the connections' own goroutines (see BENCHMARKS.md).
package serve
