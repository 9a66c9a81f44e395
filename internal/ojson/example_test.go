package ojson_test

import (
	"fmt"

	"github.com/seed0611af48/quarry/internal/ojson"
)

func ExampleParse() {
	v, err := ojson.Parse([]byte(`{"vendor":"ACME","lines":[{"qty":2,"price":1.50}]}`))
	if err != nil {
		panic(err)
	}
	for _, m := range v.Members {
		fmt.Println(m.Key, m.Value.Kind)
	}
	fmt.Println(v.Lookup("/lines/0/price").Text)
	fmt.Println(v.String())

	_, err = ojson.Parse([]byte(`{"a":1,"a":2}`))
	fmt.Println(err)
	// Output:
	// vendor a string
	// lines an array
	// 1.50
	// {"vendor":"ACME","lines":[{"qty":2,"price":1.50}]}
	// invalid JSON at offset 7: duplicate key "a" in the object at ""
}
