package main

// validateValues checks the numbers and names of run's flags that the API
// or the pipeline would otherwise take as something else: a negative
// --concurrency or --budget quietly meaning the default, a --temperature or
// --service-tier the API rejects on every document, one request at a time.
func (f *runFlags) validateValues() error {
	switch {
	case f.model == "":
		return usagef("--model must name a model, e.g. gpt-4.1")
	case f.concurrency < 1:
		return usagef("--concurrency must be 1 or more, not %d", f.concurrency)
	case f.maxAttempts < 1:
		return usagef("--max-attempts must be 1 or more (requests per document, re-asks included), not %d", f.maxAttempts)
	case f.rpm < 0 || f.tpm < 0:
		return usagef("--rpm and --tpm must be 0 (adapt to the server's limits) or more")
	case f.limit < 0:
		return usagef("--limit must be 0 (no limit) or more, not %d", f.limit)
	case f.budget < 0:
		return usagef("--budget must be 0 (none) or more US dollars, not %g", f.budget)
	case f.timeout < 0:
		return usagef("--timeout must be 0 (the SDK's) or more, not %v", f.timeout)
	case f.temperature != -1 && (f.temperature < 0 || f.temperature > 2):
		return usagef("--temperature must be between 0 and 2, not %g", f.temperature)
	}
	switch f.serviceTier {
	case "", "auto", "default", "flex", "priority":
	default:
		return usagef("--service-tier must be auto, default, flex or priority, not %q", f.serviceTier)
	}
	return nil
}
