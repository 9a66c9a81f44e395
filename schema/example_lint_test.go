package schema_test

import (
	"fmt"

	"github.com/seed0611af48/quarry/schema"
)

// Lint names every place where a hand-written schema leaves the strict
// subset, with a JSON pointer and a rule.
func ExampleLint() {
	doc := []byte(`{
		"type": "object",
		"properties": {
			"name": {"type": "string", "minLength": 1},
			"tags": {"type": "array"}
		},
		"required": ["name"]
	}`)
	for _, f := range schema.Lint(doc) {
		fmt.Println(f)
	}
	// Output:
	// /: an object schema must set additionalProperties: false [additional-properties]
	// /properties/name/minLength: minLength is not supported in strict mode; state the length in the description instead [unsupported-keyword]
	// /properties/tags: an array schema must have an items schema [items]
	// /required: required must list every property; missing "tags" (make optional fields nullable instead) [required]
}

// Strictify converts an ordinary schema to the strict form and says what it
// changed; lossy changes are marked.
func ExampleStrictify() {
	doc := []byte(`{
		"$schema": "http://json-schema.org/draft-07/schema#",
		"type": "object",
		"properties": {
			"name": {"type": "string", "minLength": 1},
			"nickname": {"type": "string"}
		},
		"required": ["name"]
	}`)
	strict, changes, err := schema.Strictify(doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(strict))
	for _, c := range changes {
		fmt.Println(c)
	}
	// Output:
	// {
	//   "type": "object",
	//   "properties": {
	//     "name": {
	//       "type": "string",
	//       "description": "At least 1 character."
	//     },
	//     "nickname": {
	//       "type": [
	//         "string",
	//         "null"
	//       ]
	//     }
	//   },
	//   "required": [
	//     "name",
	//     "nickname"
	//   ],
	//   "additionalProperties": false
	// }
	// /$schema: removed $schema: strict mode does not accept it
	// /: added additionalProperties: false
	// /properties/name/minLength: removed minLength: strict mode does not support it; the description now says "At least 1 character." (lossy)
	// /properties/nickname: optional property is now required and nullable: null stands for absent
}

// A schema Strictify cannot convert gives a *ConvertError naming each place.
func ExampleStrictify_error() {
	doc := []byte(`{
		"type": "object",
		"properties": {
			"labels": {"type": "object", "additionalProperties": {"type": "string"}}
		}
	}`)
	_, _, err := schema.Strictify(doc)
	fmt.Println(err)
	// Output:
	// schema: cannot convert to a strict schema: /properties/labels/additionalProperties: additionalProperties with a schema is a map with free-form keys; strict mode needs named properties (or an array of key/value objects) [additional-properties]
}
