package jsonptr_test

import (
	"fmt"

	"github.com/seed0611af48/quarry/internal/jsonptr"
)

func ExampleJoin() {
	p := jsonptr.Join("/lines", "2", "unit/price")
	fmt.Println(p)
	fmt.Println(jsonptr.Split(p))
	// Output:
	// /lines/2/unit~1price
	// [lines 2 unit/price] true
}
