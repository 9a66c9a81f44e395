package pdftext

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tetratelabs/wazero"
)

// openCache returns the compilation cache for the Extractor's runtimes.
//
// With dir set, the cache lives there and a failure to use it is an error.
// With dir empty, it lives in os.UserCacheDir()/quarry/wazero, then in
// os.TempDir()/quarry/wazero; if neither can be created, the cache is kept in
// memory only and every process compiles PDFium again.
func openCache(dir string) (wazero.CompilationCache, string, error) {
	if dir != "" {
		c, err := wazero.NewCompilationCacheWithDir(dir)
		if err != nil {
			return nil, "", fmt.Errorf("pdftext: compilation cache: %w", err)
		}
		return c, dir, nil
	}
	for _, d := range defaultCacheDirs() {
		if c, err := wazero.NewCompilationCacheWithDir(d); err == nil {
			return c, d, nil
		}
	}
	return wazero.NewCompilationCache(), "", nil
}

// defaultCacheDirs returns where an Extractor with an empty
// [Options.CacheDir] keeps its compilation cache, in order of preference:
// os.UserCacheDir()/quarry/wazero, then os.TempDir()/quarry/wazero.
func defaultCacheDirs() []string {
	var dirs []string
	if d, err := os.UserCacheDir(); err == nil {
		dirs = append(dirs, filepath.Join(d, "quarry", "wazero"))
	}
	return append(dirs, filepath.Join(os.TempDir(), "quarry", "wazero"))
}
