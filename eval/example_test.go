package eval_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/seed0611af48/quarry/eval"
	"github.com/seed0611af48/quarry/pipeline"
)

func Example() {
	plan, err := eval.NewPlan([]byte(`{"type":"object","properties":{
		"vendor": {"type":"string"},
		"total":  {"type":"number","x-quarry-compare":"number:0.01"},
		"lines":  {"type":"array","items":{"type":"object","properties":{
			"sku": {"type":"string"}, "qty": {"type":"integer"}}}}}}`), nil)
	if err != nil {
		panic(err)
	}
	labels := eval.MapLabels{
		"a.txt": json.RawMessage(`{"vendor":"Acme Inc.","total":10.00,"lines":[{"sku":"A","qty":1},{"sku":"B","qty":2}]}`),
		"b.txt": json.RawMessage(`{"vendor":"Bolt","total":5}`),
	}
	// Outcomes as a run records them; in a real test, eval.OpenRun(dir).
	outcomes := []pipeline.Outcome{
		{ID: "a.txt", Status: pipeline.StatusOK, Attempts: 1,
			Value: json.RawMessage(`{"vendor":"ACME inc","total":10.004,"lines":[{"sku":"B","qty":2},{"sku":"A","qty":1}]}`)},
		{ID: "b.txt", Status: pipeline.StatusOK, Attempts: 2,
			Value: json.RawMessage(`{"vendor":"Bolt","total":7}`)},
	}
	run := eval.Run{Name: "model-a", Outcomes: func(yield func(pipeline.Outcome, error) bool) {
		for _, o := range outcomes {
			if !yield(o, nil) {
				return
			}
		}
	}}

	rep, err := eval.Evaluate(context.Background(), plan, labels, []eval.Run{run}, eval.Options{})
	if err != nil {
		panic(err)
	}
	c := rep.Configurations[0]
	fmt.Printf("accuracy %.3f, fully right %d of %d, re-asks %.1f\n", c.Accuracy, c.FullyRight, c.Documents, c.ReasksPerDocument)
	for _, f := range c.Fields {
		fmt.Printf("%-12s %-12s %d/%d\n", f.Field, f.Rule, f.Correct, f.Compared)
	}
	for _, m := range c.Mismatches {
		fmt.Printf("%s %s: %s, expected %s, got %s\n", m.ID, m.Pointer, m.Verdict, m.Expected, m.Got)
	}
	th, _ := eval.ParseThresholds("overall=0.9,total=1")
	fmt.Println(rep.Check(th))
	// Output:
	// accuracy 0.875, fully right 1 of 2, re-asks 0.5
	// /vendor      text         2/2
	// /total       number:0.01  1/2
	// /lines/*/sku text         2/2
	// /lines/*/qty number:0     2/2
	// b.txt /total: wrong, expected 5, got 7
	// eval: below the thresholds: model-a: overall accuracy 0.875 < 0.9; model-a: /total 0.500 < 1
}
