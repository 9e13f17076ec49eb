package runs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// LockFile is the file of a run directory that carries its writer's
// advisory lock and process id.
const LockFile = ".lock"

// ErrLocked is wrapped by the error of a writer that finds the run
// directory locked by another process (LockedError).
var ErrLocked = errors.New("run directory is in use")

// LockedError is returned when another process holds the lock of a run
// directory: two writers (train, train --resume) never work on one run.
type LockedError struct {
	Dir string
	PID int // the holder's process id, 0 if it has not written it yet
}

func (e *LockedError) Error() string {
	who := "another process"
	if e.PID > 0 {
		who = "process " + strconv.Itoa(e.PID)
	}
	return fmt.Sprintf("%s is in use by %s (a boltzmann train writing it): wait for it to end or stop it, or choose another directory", e.Dir, who)
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// Lock is the advisory lock of a run directory, held by its one writer
// from Create or Run.Lock to Run.Close, and released by the system when
// the process ends in any way (kill -9 included), so that a lock is never
// stale. On systems without flock(2) locking does nothing.
type Lock struct {
	f *os.File
}

// errStaleLock: the lock file was replaced (the directory was removed and
// made again) between opening and locking it; lock again.
var errStaleLock = errors.New("runs: lock file replaced while locking")

// lockDir takes the lock of dir, which must exist, without waiting: a
// *LockedError names the holder if another process has it. The lock file
// then holds this process's id.
func lockDir(dir string) (*Lock, error) {
	for range 10 {
		l, err := tryLock(dir)
		if !errors.Is(err, errStaleLock) {
			return l, err
		}
	}
	return nil, fmt.Errorf("%s: cannot lock: its %s keeps being replaced", dir, LockFile)
}

func tryLock(dir string) (*Lock, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot lock the run directory: %v", err)
	}
	ok, err := flock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot lock the run directory %s: %v", dir, err)
	}
	if !ok {
		defer f.Close()
		return nil, &LockedError{Dir: dir, PID: holder(f)}
	}
	// The file locked must still be the one at path: a writer that
	// removed the directory (Discard) after this process opened the file
	// leaves it locking a deleted file.
	st, err1 := f.Stat()
	cur, err2 := os.Stat(path)
	if err1 != nil || err2 != nil || !os.SameFile(st, cur) {
		f.Close()
		if err2 != nil && !errors.Is(err2, os.ErrNotExist) {
			return nil, err2
		}
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("cannot lock the run directory: %v", err)
		}
		return nil, errStaleLock
	}
	pid := []byte(strconv.Itoa(os.Getpid()) + "\n")
	if _, err := f.WriteAt(pid, 0); err == nil {
		f.Truncate(int64(len(pid)))
	}
	return &Lock{f: f}, nil
}

// holder reads the process id from the first line of a lock file, waiting
// up to about 100 ms for a holder that has just taken the lock to write
// it; 0 if none appears.
func holder(f *os.File) int {
	b := make([]byte, 32)
	for range 100 {
		n, _ := f.ReadAt(b, 0)
		line, _, _ := strings.Cut(string(b[:n]), "\n")
		if pid, err := strconv.Atoi(line); err == nil && pid > 0 {
			return pid
		}
		time.Sleep(time.Millisecond)
	}
	return 0
}

// Unlock releases the lock (nil does nothing). The lock file stays: its
// removal could let two writers lock two different files.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
