//go:build unix

package pipeline

import (
	"errors"
	"os"
	"syscall"
)

// ErrLedgerBusy is returned by OpenLedger when another process has the
// ledger open.
var ErrLedgerBusy = errors.New("pipeline: the run dir is in use by another process (one run per run dir at a time)")

// lockLedger takes an exclusive lock on the open ledger file; closing the
// file releases it. Two processes appending to one ledger would corrupt
// each other's index offsets and pay twice for documents.
func lockLedger(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return ErrLedgerBusy
	}
	return err
}
