package extract

import (
	"strings"

	"github.com/openai/openai-go/v3/responses"
)

// answer is what Quarry reads out of a response.
type answer struct {
	id         string
	model      string
	status     string
	text       string
	refusal    string
	incomplete string // incomplete_details.reason
	errCode    string
	errMessage string
	usage      Usage
}

// readResponse collects the output text and refusal parts of the message
// items and the status, usage and error fields, trusting nothing: a missing
// status with text is read as completed.
func readResponse(r *responses.Response) answer {
	a := answer{
		id:         r.ID,
		model:      string(r.Model),
		status:     string(r.Status),
		incomplete: r.IncompleteDetails.Reason,
		errCode:    string(r.Error.Code),
		errMessage: r.Error.Message,
		usage: Usage{
			InputTokens:     r.Usage.InputTokens,
			CachedTokens:    r.Usage.InputTokensDetails.CachedTokens,
			OutputTokens:    r.Usage.OutputTokens,
			ReasoningTokens: r.Usage.OutputTokensDetails.ReasoningTokens,
		},
	}
	var text, refusal strings.Builder
	for _, item := range r.Output {
		if item.Type != "message" {
			continue
		}
		for _, c := range item.Content {
			switch c.Type {
			case "output_text":
				text.WriteString(c.Text)
			case "refusal":
				refusal.WriteString(c.Refusal)
			}
		}
	}
	a.text, a.refusal = text.String(), refusal.String()
	if a.status == "" {
		a.status = "completed"
	}
	return a
}
