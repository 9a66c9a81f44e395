package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/sink"
)

func (a *app) exportCommand() *cobra.Command {
	var runDir string
	var outs []string
	cmd := &cobra.Command{
		Use:   "export --run-dir DIR --out FILE...",
		Short: "Write the outputs of a run again from its ledger",
		Long: `Re-renders the outcomes recorded in a run's ledger (the latest outcome of each
document) as JSONL, CSV, XLSX, Parquet or SQLite, without calling the model.`,
		Example: `  quarry export --run-dir .quarry/run-1a2b3c4d5e --out results.xlsx --out results.jsonl`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runDir == "" || len(outs) == 0 {
				return usagef("export needs --run-dir and at least one --out")
			}
			info, err := pipeline.ReadRunInfo(runDir)
			if err != nil {
				return fmt.Errorf("reading %s: %w (is it a quarry run dir?)", runDir, err)
			}
			sinkOpts := sink.Options{Simulated: info.Simulated, Logger: a.log, Evidence: ledgerHasEvidence(runDir)}
			sinks, err := openSinks(outs, info.Schema, sinkOpts)
			if err != nil {
				return err
			}
			n := 0
			var firstErr error
			for o, err := range pipeline.ReadLedger(runDir) {
				if err != nil {
					a.log.Warn("skipping a damaged ledger line", "err", err)
					continue
				}
				n++
				for _, s := range sinks {
					if err := s.Write(&o); err != nil && firstErr == nil {
						firstErr = err
					}
				}
			}
			for _, s := range sinks {
				if err := s.Close(info); err != nil && firstErr == nil {
					firstErr = err
				}
			}
			if firstErr != nil {
				return firstErr
			}
			fmt.Fprintf(a.stderr, "quarry: exported %d documents from %s\n", n, runDir)
			return nil
		},
	}
	cmd.Flags().StringVar(&runDir, "run-dir", "", "the run's ledger directory (printed at the end of a run)")
	cmd.Flags().StringArrayVarP(&outs, "out", "o", nil, "output file: .jsonl, .csv, .tsv, .xlsx, .parquet or .sqlite (repeatable)")
	return cmd
}
