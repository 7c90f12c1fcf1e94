package ghactions

import (
	"fmt"
	"io"
	"strings"

	"github.com/reprint-dev/reprint/audit"
)

// MaxAnnotations is how many annotations of each level GitHub shows per
// step; more are written but hidden by GitHub.
const MaxAnnotations = 10

// WriteAnnotations writes one workflow command per finding: ::error for
// violations, ::warning for counted passages within the allowed share,
// ::notice for the rest (suppressed findings are left out).
func WriteAnnotations(w io.Writer, rep *audit.Report) error {
	for _, a := range rep.Articles {
		for _, f := range a.Findings {
			if f.Suppressed != "" {
				continue
			}
			cmd := "notice"
			switch {
			case f.Violation:
				cmd = "error"
			case f.Counted:
				cmd = "warning"
			}
			file := a.Path
			if file == "" {
				file = a.ID
			}
			props := fmt.Sprintf("file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s",
				property(file), f.Line, f.Column, f.EndLine, f.EndColumn, property("reprint: "+f.Rule))
			msg := fmt.Sprintf("%d words match %s", f.Words, f.Reference.ID)
			if f.Reference.Source != "" {
				msg += " (" + f.Reference.Source + ")"
			}
			if f.Attributed {
				msg += fmt.Sprintf(", credited as %q", f.Attribution)
			}
			if f.Counted {
				msg += fmt.Sprintf("; uncredited wire copy is %.0f%% of the article, the policy allows %.0f%%", 100*a.CountedShare, 100*rep.Policy.MaxShare)
			}
			if _, err := fmt.Fprintf(w, "::%s %s::%s\n", cmd, props, data(msg)); err != nil {
				return err
			}
		}
	}
	return nil
}

// data escapes a workflow command's message.
func data(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// property escapes a workflow command's property value.
func property(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// WriteSummary writes a Markdown summary of rep, for $GITHUB_STEP_SUMMARY.
func WriteSummary(w io.Writer, rep *audit.Report) error {
	var b strings.Builder
	s := rep.Summary
	verdict := "✅ no article violates the policy"
	if s.Violating > 0 {
		verdict = fmt.Sprintf("❌ %d of %d articles violate the policy", s.Violating, s.Articles)
	}
	fmt.Fprintf(&b, "## reprint audit: %s\n\n", verdict)
	fmt.Fprintf(&b, "Audited %d articles against %d reference documents. Policy: passages of at least %d words; uncredited wire copy up to %.0f%% of an article; credited reuse %s.\n\n",
		s.Articles, rep.Reference.Documents, rep.Policy.MinWords, 100*rep.Policy.MaxShare, allowed(rep.Policy.AllowAttributed))
	if s.Findings > 0 {
		b.WriteString("| Article | Verdict | Counted share | Passages | Largest match |\n|---|---|--:|--:|---|\n")
		for _, a := range rep.Articles {
			if len(a.Findings) == 0 {
				continue
			}
			verdict := "ok"
			switch {
			case a.Ignored != "":
				verdict = "ignored: " + cell(a.Ignored)
			case a.Violation:
				verdict = "**violation**"
			}
			best := a.Findings[0]
			for _, f := range a.Findings {
				if f.Words > best.Words {
					best = f
				}
			}
			fmt.Fprintf(&b, "| `%s` | %s | %.1f%% | %d | %d words from `%s` (line %d) |\n",
				cell(a.ID), verdict, 100*a.CountedShare, len(a.Findings), best.Words, cell(best.Reference.ID), best.Line)
		}
		b.WriteString("\n")
	}
	if s.Suppressed > 0 {
		fmt.Fprintf(&b, "%d finding(s) suppressed by the baseline or an article's ignore.\n\n", s.Suppressed)
	}
	if len(rep.Stale) > 0 {
		fmt.Fprintf(&b, "%d stale baseline entr(ies): run with `--update-baseline` to drop them.\n\n", len(rep.Stale))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func allowed(ok bool) string {
	if ok {
		return "allowed"
	}
	return "counted"
}

func cell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ", "`", "'").Replace(s)
}
