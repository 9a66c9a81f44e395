package main

import "strings"

// noDocuments is the usage error of a run whose inputs held no document:
// folders with no file of a type Quarry reads, or --include/--exclude globs
// that leave none. Exiting 0 with "0 documents" would pass for success.
func noDocuments(inputs []string) error {
	return usagef("no documents in %s: no file there is of a type Quarry reads (-v names the files skipped; "+
		"'quarry help run' lists the types), or --include/--exclude left none", strings.Join(inputs, ", "))
}
