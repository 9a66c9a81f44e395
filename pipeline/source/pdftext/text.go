package pdftext

import "strings"

// normalize turns PDFium's page text into plain text: "\n" line ends (PDFium
// writes "\r\n" between lines), no NUL characters, no trailing spaces on a
// line and no trailing blank lines.
func normalize(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\x00", "")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\u00a0")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}
