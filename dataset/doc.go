// Package dataset reads and writes the data that boltzmann models are
// trained on, and generates small built-in data sets.
//
// Data sets are *mat.Dense matrices with one sample per row
// (samples × features), in float64. Read chooses the format from the file
// name:
//
//	.npy            NumPy array of any bool, integer or float dtype; 2-D arrays
//	                are (samples, features), higher ranks are flattened per
//	                sample, so (N, 28, 28) becomes N × 784; a 1-D array is
//	                an error unless ReadOptions.SingleSample is set
//	.npz            NumPy archive: its first array, or ReadOptions.Key
//	.csv, .txt      (also .tsv, .dat) numbers separated by commas or white space, one sample
//	                per line; '#' starts a comment
//	IDX             MNIST image files (train-images-idx3-ubyte, *.idx,
//	                *.idx3-ubyte), pixels scaled to [0, 1]
//	builtin:SPEC    generated data, see Builtin
//
// Every file format may also be gzip-compressed (name ending in .gz),
// except .npz, which is already a zip archive.
//
// ReadOptions can limit the number of samples read and binarize grey
// levels (threshold or stochastic). DetectBinary, ToZeroOne and FromZeroOne
// check and convert {0, 1} and {-1, +1} data; Split, Permutation, Batches
// and Gather make validation splits and minibatches.
//
// Errors are one line that names the file, the problem and the fix, for
// example
//
//	dataset: data.csv line 17: row has 9 values, expected 10 (every row must have the same number of columns)
//
// Nothing read back is silently wrong: each .npz member is read to its end
// and compared with the CRC-32 the archive records, a gzip file is read to
// the end of its last member (also when ReadOptions.Limit stops the parser
// early) so that every trailer's CRC-32 and length are verified and data
// after the last trailer is refused, and read errors (a directory, a
// permission, corrupt compressed data) are reported as they are, for
// example
//
//	dataset: model.npz: array "weights": CRC-32 mismatch (the file is corrupt; re-create it)
//
// Files written by WriteNPY, WriteNPZ and WriteCSV load in NumPy with
// numpy.load or numpy.loadtxt(path, delimiter=","), and are written
// atomically: a failed write never leaves a partial file.
package dataset
