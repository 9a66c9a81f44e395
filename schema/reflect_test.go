package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// The Invoice example from the package documentation.
type Line struct {
	Description string  `json:"description"`
	Quantity    int     `json:"quantity" validate:"gte=1"`
	UnitPrice   float64 `json:"unit_price" validate:"gte=0"`
}

type Invoice struct {
	Vendor    string  `json:"vendor"`
	Number    string  `json:"invoice_number" jsonschema:"description=as printed on the invoice"`
	IssueDate string  `json:"issue_date" validate:"datetime=2006-01-02"`
	DueDate   *string `json:"due_date" validate:"omitnil,datetime=2006-01-02"`
	Currency  string  `json:"currency" validate:"oneof=USD EUR GBP INR PLN"`
	Total     float64 `json:"total" validate:"gte=0"`
	Lines     []Line  `json:"lines" validate:"min=1,dive"`
}

type Address struct {
	Street  string `json:"street"`
	City    string `json:"city" jsonschema_description:"city or town"`
	Country string `json:"country" validate:"iso3166_1_alpha2"`
}

type Customer struct {
	Name     string   `json:"name"`
	Billing  Address  `json:"billing" jsonschema:"description=where invoices go"`
	Shipping *Address `json:"shipping"`
	Previous []Address
}

type Item struct {
	SKU   string `json:"sku" validate:"required,startswith=SKU-"`
	Count uint   `json:"count"`
}

type Order struct {
	ID    string   `json:"id" validate:"uuid4"`
	Items []Item   `json:"items" validate:"max=50,dive"`
	Tags  []string `json:"tags" validate:"dive,oneof=urgent gift"`
	Grid  [][]int  `json:"grid" validate:"dive,min=1,dive,gte=0"`
}

type Contact struct {
	Email *string `json:"email" validate:"omitnil,email"`
	Phone *string `json:"phone" validate:"required,e164"`
	Age   *int    `json:"age" validate:"omitempty,gte=0,lte=150"`
	Note  string  `json:"note,omitempty"`
	Nick  string  `json:"nick,omitzero" jsonschema:"description=short name"`
	Boss  *Contact
}

type Ticket struct {
	Priority int     `json:"priority" validate:"oneof=1 2 3"`
	Status   string  `json:"status" validate:"oneof=open 'in progress' closed"`
	Kind     string  `json:"kind" validate:"omitempty,oneof=bug feature"`
	Score    float64 `json:"score" jsonschema:"enum=0.5,enum=1.5"`
	Severity *string `json:"severity" validate:"omitnil,oneof=low high"`
}

type Node struct {
	Name     string `json:"name"`
	Children []Node `json:"children"`
}

type Meta struct {
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
}

type Extra struct {
	Source string `json:"source"`
}

type inner struct {
	Lang string `json:"lang"`
}

type Doc struct {
	Meta
	*Extra
	inner
	Title  string `json:"title"`
	ID     string `json:"doc_id"`
	Hidden string `json:"-"`
	secret string
}

type Event struct {
	At    time.Time     `json:"at"`
	Ends  *time.Time    `json:"ends"`
	Day   string        `json:"day" validate:"datetime=2006-01-02"`
	Clock string        `json:"clock" validate:"datetime=15:04:05"`
	Stamp string        `json:"stamp" validate:"datetime=2006-01-02T15:04:05Z07:00"`
	Month string        `json:"month" validate:"datetime=2006-01"`
	Dur   time.Duration `json:"dur" validate:"gte=1h"`
	Raw   []byte        `json:"raw"`
}

type Bounds struct {
	Count int      `json:"count" validate:"gt=0,lt=100"`
	Ratio float64  `json:"ratio" validate:"min=0,max=1"`
	Few   []string `json:"few" validate:"gt=1,lt=5"`
	Exact []int    `json:"exact" validate:"len=3"`
	Name  string   `json:"name" validate:"min=3,max=40"`
	Code  string   `json:"code" validate:"len=6,alphanum"`
	Ref   string   `json:"ref" validate:"startswith=INV-,endswith=X"`
	Site  string   `json:"site" validate:"url"`
	ID    string   `json:"id" validate:"uuid"`
	Host  string   `json:"host" validate:"hostname"`
	IP4   string   `json:"ip4" validate:"ipv4"`
	IP6   string   `json:"ip6" validate:"ipv6"`
	Mail  string   `json:"mail" validate:"omitempty,email"`
	Small uint8    `json:"small"`
	Start int      `json:"start"`
	End   int      `json:"end" validate:"gtfield=Start"`
	Other string   `json:"other" validate:"required_if=Start 3"`
	Three [3]int   `json:"three"`
	Rate  int      `json:"rate,string"`
}

// goldenCases are the types whose schemas are kept under testdata/golden.
var goldenCases = []struct {
	name string
	typ  reflect.Type
}{
	{"invoice", reflect.TypeFor[Invoice]()},
	{"nested", reflect.TypeFor[Customer]()},
	{"slices_of_structs", reflect.TypeFor[Order]()},
	{"pointers", reflect.TypeFor[Contact]()},
	{"enums", reflect.TypeFor[Ticket]()},
	{"tree", reflect.TypeFor[Node]()},
	{"embedded", reflect.TypeFor[Doc]()},
	{"time", reflect.TypeFor[Event]()},
	{"bounds", reflect.TypeFor[Bounds]()},
	{"list_root", reflect.TypeFor[[]Line]()},
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Reflect(tc.typ)
			if err != nil {
				t.Fatal(err)
			}
			if findings := Lint(s.JSON); len(findings) > 0 {
				t.Errorf("Lint found problems in the schema of %v:\n%v\n%s", tc.typ, findings, s.JSON)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, s.JSON, "", "  "); err != nil {
				t.Fatalf("schema is not valid JSON: %v\n%s", err, s.JSON)
			}
			pretty.WriteByte('\n')
			path := filepath.Join("testdata", "golden", tc.name+".json")
			if *update {
				if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update)", err)
			}
			if diff := cmp.Diff(string(want), pretty.String()); diff != "" {
				t.Errorf("schema of %v differs from %s (-want +got):\n%s", tc.typ, path, diff)
			}
		})
	}
}

func TestReflectNames(t *testing.T) {
	tests := []struct {
		typ      reflect.Type
		name     string
		listKey  string
		typeWant reflect.Type
	}{
		{reflect.TypeFor[Invoice](), "Invoice", "", reflect.TypeFor[Invoice]()},
		{reflect.TypeFor[*Invoice](), "Invoice", "", reflect.TypeFor[Invoice]()},
		{reflect.TypeFor[[]Line](), "list_of_Line", "items", reflect.TypeFor[[]Line]()},
		{reflect.TypeFor[[]*Line](), "list_of_Line", "items", reflect.TypeFor[[]*Line]()},
		{reflect.TypeFor[[]string](), "list_of_string", "items", reflect.TypeFor[[]string]()},
		{reflect.TypeFor[struct{ A int }](), "object", "", reflect.TypeFor[struct{ A int }]()},
		{reflect.TypeFor[Page[Line]](), "Page_Line", "", reflect.TypeFor[Page[Line]]()},
	}
	for _, tc := range tests {
		t.Run(tc.typ.String(), func(t *testing.T) {
			s, err := Reflect(tc.typ)
			if err != nil {
				t.Fatal(err)
			}
			if s.Name != tc.name || s.ListKey != tc.listKey || s.Type != tc.typeWant {
				t.Errorf("got Name %q ListKey %q Type %v, want %q %q %v", s.Name, s.ListKey, s.Type, tc.name, tc.listKey, tc.typeWant)
			}
			if f := LintName(s.Name); len(f) > 0 {
				t.Errorf("LintName(%q) = %v", s.Name, f)
			}
			if f := Lint(s.JSON); len(f) > 0 {
				t.Errorf("Lint: %v\n%s", f, s.JSON)
			}
		})
	}
}

// Page is generic, to check that $defs names drop package paths.
type Page[T any] struct {
	Entries []T `json:"entries"`
	Next    *T  `json:"next"`
}

func TestReflectDeterministic(t *testing.T) {
	for _, tc := range goldenCases {
		a, err := reflBuild(tc.typ)
		if err != nil {
			t.Fatal(err)
		}
		for range 5 {
			b, err := reflBuild(tc.typ)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.JSON, b.JSON) {
				t.Fatalf("%s: two builds differ:\n%s\n%s", tc.name, a.JSON, b.JSON)
			}
		}
	}
}

func TestReflectPropertyOrder(t *testing.T) {
	s, err := For[Invoice]()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Properties json.RawMessage `json:"properties"`
		Required   []string        `json:"required"`
	}
	if err := json.Unmarshal(s.JSON, &doc); err != nil {
		t.Fatal(err)
	}
	want := []string{"vendor", "invoice_number", "issue_date", "due_date", "currency", "total", "lines"}
	if diff := cmp.Diff(want, doc.Required); diff != "" {
		t.Errorf("required (-want +got):\n%s", diff)
	}
	dec := json.NewDecoder(bytes.NewReader(doc.Properties))
	var keys []string
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("property order (-want +got):\n%s", diff)
	}
}

// Types that have no strict schema.
type (
	withMap struct {
		Extra map[string]string `json:"extra"`
	}
	withAny struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
	}
	withIface struct {
		R interface{ Read([]byte) (int, error) }
	}
	withChan   struct{ C chan int }
	withFunc   struct{ F func() }
	withCmplx  struct{ Z complex128 }
	withUnsafe struct{ P unsafe.Pointer }
	deepMap    struct {
		Lines []struct {
			Attrs map[string]int
		}
	}
	withURL    struct{ U url.URL }
	withRaw    struct{ R json.RawMessage }
	withQuoted struct {
		S string `json:"s,string"`
	}
	loop        []loop
	withLoop    struct{ L loop }
	unexported  struct{ Name string }
	withUnexPtr struct {
		*unexported
	}
	withMarshal struct{ M marshalStruct }
)

type marshalStruct struct{ a int }

func (marshalStruct) MarshalJSON() ([]byte, error) { return []byte("1"), nil }

func TestReflectUnsupported(t *testing.T) {
	tests := []struct {
		typ  reflect.Type
		path string
		hint string
	}{
		{reflect.TypeFor[withMap](), "withMap.Extra", "key/value"},
		{reflect.TypeFor[withAny](), "withAny.Value", "concrete type"},
		{reflect.TypeFor[withIface](), "withIface.R", "concrete type"},
		{reflect.TypeFor[withChan](), "withChan.C", ""},
		{reflect.TypeFor[withFunc](), "withFunc.F", ""},
		{reflect.TypeFor[withCmplx](), "withCmplx.Z", "float64"},
		{reflect.TypeFor[withUnsafe](), "withUnsafe.P", ""},
		{reflect.TypeFor[deepMap](), "deepMap.Lines[].Attrs", "key/value"},
		{reflect.TypeFor[withURL](), "withURL.U", "url"},
		{reflect.TypeFor[withRaw](), "withRaw.R", "raw JSON"},
		{reflect.TypeFor[withQuoted](), "withQuoted.S", ",string"},
		{reflect.TypeFor[withLoop](), "withLoop.L[]", "recursive"},
		{reflect.TypeFor[withUnexPtr](), "withUnexPtr.Name", "unexported"},
		{reflect.TypeFor[withMarshal](), "withMarshal.M", "JSONSchema"},
		{reflect.TypeFor[int](), "int", "root"},
		{reflect.TypeFor[map[string]int](), "map[string]int", "root"},
		{reflect.TypeFor[[]map[string]int](), "[]map[string]int[]", "key/value"},
		{reflect.TypeFor[time.Time](), "Time", "root"},
	}
	for _, tc := range tests {
		t.Run(tc.typ.String(), func(t *testing.T) {
			s, err := Reflect(tc.typ)
			var ue *UnsupportedTypeError
			if !errors.As(err, &ue) {
				t.Fatalf("Reflect(%v) = %v, %v; want an *UnsupportedTypeError", tc.typ, s, err)
			}
			if ue.Path != tc.path {
				t.Errorf("Path = %q, want %q (%v)", ue.Path, tc.path, err)
			}
			if !strings.Contains(err.Error(), tc.hint) || !strings.HasPrefix(err.Error(), "schema: ") {
				t.Errorf("error %q should start with \"schema: \" and mention %q", err, tc.hint)
			}
		})
	}
	if _, err := Reflect(nil); err == nil {
		t.Error("Reflect(nil) succeeded")
	}
}

// TestReflectConcurrent calls For on the same types from many goroutines;
// run it with -race.
func TestReflectConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	results := make([][3]*Schema, 16)
	for i := range results {
		wg.Go(func() {
			a, _ := For[Invoice]()
			b, _ := For[Node]()
			c, _ := Reflect(reflect.TypeFor[[]Line]())
			results[i] = [3]*Schema{a, b, c}
		})
	}
	wg.Wait()
	for i := range results {
		for j := range 3 {
			if results[i][j] == nil || results[i][j] != results[0][j] {
				t.Fatalf("goroutine %d got a different schema %d: %p vs %p", i, j, results[i][j], results[0][j])
			}
		}
	}
}

func TestSchemaMarshalJSON(t *testing.T) {
	s, err := For[Line]()
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(map[string]any{"schema": s})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(body, s.JSON) {
		t.Errorf("marshalled %s does not hold the schema %s", body, s.JSON)
	}
}

// The shadowing and conflict rules of encoding/json decide which fields exist.
type (
	shadowBase struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	}
	shadowA struct {
		Dup string
	}
	shadowB struct {
		Dup int
	}
	shadow struct {
		ID string `json:"id"` // shadows shadowBase.ID
		shadowBase
		shadowA
		shadowB // conflicts with shadowA.Dup at the same depth: both dropped
	}
)

func TestReflectShadowing(t *testing.T) {
	s, err := reflBuild(reflect.TypeFor[shadow]())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"object","properties":{"id":{"type":"string"},"name":{"type":"string"}},"required":["id","name"],"additionalProperties":false}`
	if got := string(s.JSON); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
