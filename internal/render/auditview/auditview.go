// Package auditview writes an audit for people (Text, Summary) and for
// programs (JSON, the schema reprint/audit/v1); SARIF, JUnit and GitHub's
// workflow commands have packages of their own beside it.
package auditview

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/reprint-dev/reprint/audit"
	"github.com/reprint-dev/reprint/internal/ellipsis"
)

// Report is the audit's result as the audit's writers take it: the one
// place below the CLI that names where the audit domain lives.
type Report = audit.Report

// JSON writes the audit as indented JSON (schema reprint/audit/v1),
// article text not HTML-escaped.
func JSON(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}

// Summary is the audit's one-line summary: what was audited, what
// violates the policy, what was suppressed.
func Summary(rep *Report) string {
	s := rep.Summary
	line := fmt.Sprintf("audited %d articles against %d reference documents: %d violate the policy (%d passages); %d findings",
		s.Articles, rep.Reference.Documents, s.Violating, s.Violations, s.Findings)
	if s.Suppressed > 0 {
		line += fmt.Sprintf(", %d suppressed", s.Suppressed)
	}
	if n := len(rep.Stale); n > 0 {
		line += fmt.Sprintf("; %d stale baseline entries", n)
	}
	return line
}

// Text writes the audit for people: the policy, then each article with
// findings and its verdict, each finding with its place, rule, reference
// and text, and the summary last.
func Text(w io.Writer, rep *Report) error {
	p := rep.Policy
	wire := "every reference document"
	if len(p.Wire) > 0 {
		wire = strings.Join(p.Wire, ", ")
	}
	fmt.Fprintf(w, "reprint audit: passages of %d+ words; uncredited wire copy up to %.0f%% of an article; credited reuse %s; wire: %s\n\n",
		p.MinWords, 100*p.MaxShare, map[bool]string{true: "allowed", false: "counted"}[p.AllowAttributed], wire)
	for _, a := range rep.Articles {
		if len(a.Findings) == 0 {
			continue
		}
		verdict := "ok"
		switch {
		case a.Ignored != "":
			verdict = "ignored (" + a.Ignored + ")"
		case a.Violation:
			verdict = "VIOLATION"
		}
		name := a.Path
		if name == "" {
			name = a.ID
		}
		fmt.Fprintf(w, "%s  %s: %.1f%% uncredited wire copy, %.1f%% recycled in all\n", name, verdict, 100*a.CountedShare, 100*a.RecycledShare)
		for _, f := range a.Findings {
			mark := " "
			switch {
			case f.Violation:
				mark = "✗"
			case f.Suppressed != "":
				mark = "-"
			}
			ref := f.Reference.ID
			if f.Reference.Source != "" {
				ref += ", " + f.Reference.Source
			}
			if f.Reference.Date != "" {
				ref += ", " + f.Reference.Date
			}
			extra := ""
			if f.Attributed {
				extra = fmt.Sprintf("  credited %q", f.Attribution)
			}
			if f.Suppressed != "" {
				extra += "  suppressed: " + f.Suppressed
			}
			if len(f.AlsoIn) > 0 {
				extra += fmt.Sprintf("  (also in %d more)", len(f.AlsoIn))
			}
			fmt.Fprintf(w, "  %s %d:%d  %s  %d words from %s%s\n      %s\n", mark, f.Line, f.Column, f.Rule, f.Words, ref, extra, ellipsis.Excerpt(f.Text, 200))
		}
		fmt.Fprintln(w)
	}
	for _, s := range rep.Stale {
		fmt.Fprintf(w, "stale baseline entry: %s %s %q\n", s.Article, s.Fingerprint, s.Excerpt)
	}
	_, err := fmt.Fprintln(w, Summary(rep))
	return err
}
