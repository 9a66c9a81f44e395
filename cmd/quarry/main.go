// Command quarry extracts typed, validated records from folders of PDFs,
// CSV rows, text and images with the OpenAI Responses API, and exports them
// as JSONL, CSV and XLSX.
//
//	quarry run --schema invoice.schema.json --in ./invoices --out invoices.xlsx
//	quarry schema 'vendor, total number'
//	quarry export --run-dir .quarry/run-1a2b3c4d --out results.xlsx
//
// Run "quarry help" for the commands and "quarry help schema" for the
// concise schema grammar.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK       = 0
	exitFatal    = 1
	exitUsage    = 2
	exitFailures = 3
	exitBelow    = 4 // quarry eval: below --fail-under
)

// usageError marks an error in how quarry was called (exit code 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// failuresError means the run finished but some documents failed (exit code 3).
type failuresError struct{ failed int }

func (e failuresError) Error() string { return fmt.Sprintf("%d documents did not extract", e.failed) }

// app carries what the commands share.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	log            *slog.Logger
	verbose        bool
}

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := &app{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv,
		log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	os.Exit(a.main(ctx, os.Args[1:]))
}

// tuneGC has the garbage collector run half as often as Go's default
// (GOGC=200) unless GOGC is set. A run allocates about 100 KB a document
// (requests, answers, their JSON) and keeps a few MB live, so at the default
// the collector took a fifth of the CPU of a --mock run over a CSV; at 200
// the heap it lets grow stays within tens of MB (peak RSS in the note of
// issue 12).
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
}

// main runs quarry with args and returns the exit code.
func (a *app) main(ctx context.Context, args []string) int {
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var fe failuresError
	var ue usageError
	var be belowError
	switch {
	case errors.As(err, &fe):
		return exitFailures
	case errors.As(err, &be):
		return exitBelow // eval printed what fell short
	case errors.As(err, &ue):
		fmt.Fprintf(a.stderr, "quarry: %v\nRun 'quarry help' for usage.\n", err)
		return exitUsage
	}
	fmt.Fprintf(a.stderr, "quarry: %v\n", err)
	return exitFatal
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "quarry",
		Short: "Extract typed, validated records from documents with OpenAI Structured Outputs",
		Long: `Quarry turns documents (PDFs, CSV rows, text, HTML, JSON lines, images) into
typed records that match a JSON Schema, using the OpenAI Responses API with
Structured Outputs (strict mode). Every answer is decoded strictly and
validated; invalid answers are re-asked with the exact errors. Runs are
concurrent, rate-limit aware and resumable, with one outcome per document.

The API key is read from OPENAI_API_KEY and never printed. OPENAI_BASE_URL (or
--base-url) points Quarry at Azure OpenAI or any Responses-compatible server.
Without a key, --mock runs the same job against the built-in simulated model.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Runnable, with Args set, so that cobra hands "quarry bogus" to
		// RunE (a usage error) instead of failing in Find with a plain error.
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return cmd.Help()
		},
		PersistentPreRun: func(cmd *cobra.Command, args []string) {
			level := slog.LevelWarn
			if a.verbose {
				level = slog.LevelDebug
			}
			a.log = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: level}))
		},
	}
	root.PersistentFlags().BoolVarP(&a.verbose, "verbose", "v", false, "log details to stderr")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(a.runCommand(), a.schemaCommand(), a.exportCommand(), a.batchCommand(), a.reviewCommand(), a.evalCommand())
	return root
}
