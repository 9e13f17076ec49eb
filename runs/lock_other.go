//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package runs

import "os"

// flock does nothing where flock(2) is not available: run directories are
// not locked there.
func flock(*os.File) (bool, error) { return true, nil }
