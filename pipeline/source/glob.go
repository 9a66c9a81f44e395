package source

import (
	"fmt"
	"path"
	"strings"
)

// glob is one Include or Exclude pattern, split into path segments.
type glob struct {
	pattern string
	segs    []string
}

func compileGlob(pattern string) (glob, error) {
	p := strings.ReplaceAll(pattern, `\`, "/")
	p = strings.TrimPrefix(p, "./")
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return glob{}, fmt.Errorf("source: empty glob %q", pattern)
	}
	// "[!a]" is the shell's spelling of path.Match's "[^a]".
	segs := strings.Split(strings.ReplaceAll(p, "[!", "[^"), "/")
	for _, s := range segs {
		if s == "**" {
			continue
		}
		if _, err := path.Match(s, ""); err != nil {
			return glob{}, fmt.Errorf("source: bad glob %q: %w", pattern, err)
		}
	}
	return glob{pattern: pattern, segs: segs}, nil
}

// match reports whether the pattern matches the slash-separated relative
// path or its base name.
func (g glob) match(rel string) bool {
	s := strings.Split(rel, "/")
	return matchSegs(g.segs, s) || (len(s) > 1 && matchSegs(g.segs, s[len(s)-1:]))
}

func matchSegs(p, s []string) bool {
	for len(p) > 0 {
		if p[0] == "**" {
			for len(p) > 0 && p[0] == "**" {
				p = p[1:]
			}
			if len(p) == 0 {
				return true
			}
			for i := range len(s) + 1 {
				if matchSegs(p, s[i:]) {
					return true
				}
			}
			return false
		}
		if len(s) == 0 {
			return false
		}
		if ok, _ := path.Match(p[0], s[0]); !ok {
			return false
		}
		p, s = p[1:], s[1:]
	}
	return len(s) == 0
}

type globs []glob

func compileGlobs(patterns []string) (globs, error) {
	var gs globs
	for _, p := range patterns {
		g, err := compileGlob(p)
		if err != nil {
			return nil, err
		}
		gs = append(gs, g)
	}
	return gs, nil
}

func (gs globs) any(rel string) bool {
	for _, g := range gs {
		if g.match(rel) {
			return true
		}
	}
	return false
}
