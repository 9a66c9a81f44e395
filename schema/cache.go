package schema

import (
	"reflect"
	"sync"
)

// cacheEntry holds the outcome of reflecting one type. The first caller
// builds it; concurrent callers wait on once.
type cacheEntry struct {
	once   sync.Once
	schema *Schema
	err    error
}

var cacheSchemas sync.Map // reflect.Type → *cacheEntry

// cacheLoad returns the cached schema of t, building it on first use.
// Errors are cached too: a type's shape does not change.
func cacheLoad(t reflect.Type) (*Schema, error) {
	if t == nil {
		return reflBuild(nil)
	}
	e, ok := cacheSchemas.Load(t)
	if !ok {
		e, _ = cacheSchemas.LoadOrStore(t, new(cacheEntry))
	}
	ce := e.(*cacheEntry)
	ce.once.Do(func() { ce.schema, ce.err = reflBuild(t) })
	return ce.schema, ce.err
}
