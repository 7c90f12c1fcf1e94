package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/reprint-dev/reprint/internal/model"
	"github.com/reprint-dev/reprint/internal/render/auditview"
	"github.com/reprint-dev/reprint/internal/render/ghactions"
	"github.com/reprint-dev/reprint/internal/render/junit"
	"github.com/reprint-dev/reprint/internal/render/sarif"
)

// A Format is one output format of reprint report, compare and audit: its
// name for --format, a line of help, and how it writes a report and an
// audit (nil where it writes none). Formats is their one list: the
// commands' --format help, its check and the writing all read it, so a new
// format is its writer's file and a row here.
type Format struct {
	Name string
	Help string
	// Texts says whether the report writer draws the documents' texts
	// (lines, excerpts, full texts): it needs Renderer.Docs. Without it
	// the documents need not be kept once detected.
	Texts  bool
	Report func(r Renderer, w io.Writer, rep *model.Report) error
	Audit  func(w io.Writer, rep *auditview.Report, o AuditOptions) error
}

// AuditOptions locate an audit's findings in the files audited.
type AuditOptions struct {
	// Root is the absolute directory that SARIF's URIs are relative to.
	Root string
	// Regions says whether a path's offsets are lines and columns of the
	// file (text and Markdown, not JSON Lines or HTML).
	Regions func(path string) bool
}

// Formats are the output formats, the default (text) first.
var Formats = []Format{
	{Name: "text", Help: "for people: a summary, then each cluster (each article, for audit) with its copies or findings",
		Texts: true, Report: Renderer.Text, Audit: func(w io.Writer, rep *auditview.Report, _ AuditOptions) error {
			return auditview.Text(VisibleWriter(w), rep) // findings quote the articles
		}},
	{Name: "json", Help: "the stable machine format (schema reprint/report/v1, reprint/audit/v1)",
		Report: func(_ Renderer, w io.Writer, rep *model.Report) error { return JSON(w, rep) },
		Audit:  func(w io.Writer, rep *auditview.Report, _ AuditOptions) error { return auditview.JSON(w, rep) }},
	{Name: "csv", Help: "one row per matched pair of spans, for spreadsheets", Texts: true, Report: Renderer.CSV},
	{Name: "html", Help: "one self-contained page: copies side by side, a reuse matrix, derivation trees, full texts", Texts: true, Report: Renderer.HTML},
	{Name: "sarif", Help: "SARIF 2.1.0, for code scanning",
		Audit: func(w io.Writer, rep *auditview.Report, o AuditOptions) error {
			return sarif.Write(w, rep, sarif.Options{Root: o.Root, Regions: o.Regions})
		}},
	{Name: "junit", Help: "JUnit XML: a test case per article",
		Audit: func(w io.Writer, rep *auditview.Report, _ AuditOptions) error { return junit.Write(w, rep) }},
	{Name: "github", Help: "GitHub Actions workflow commands: an annotation per finding",
		Audit: func(w io.Writer, rep *auditview.Report, _ AuditOptions) error {
			return ghactions.WriteAnnotations(w, rep)
		}},
}

// ReportFormats returns the names of the formats that write reports.
func ReportFormats() []string { return names(func(f Format) bool { return f.Report != nil }) }

// AuditFormats returns the names of the formats that write audits.
func AuditFormats() []string { return names(func(f Format) bool { return f.Audit != nil }) }

func names(keep func(Format) bool) []string {
	var out []string
	for _, f := range Formats {
		if keep(f) {
			out = append(out, f.Name)
		}
	}
	return out
}

// lookup returns the format named name ("" is text).
func lookup(name string) (Format, bool) {
	if name == "" {
		name = Formats[0].Name
	}
	for _, f := range Formats {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// DrawsTexts reports whether the report format named draws the documents'
// texts (see Format.Texts); an unknown name does, to be safe.
func DrawsTexts(name string) bool {
	f, ok := lookup(name)
	return !ok || f.Texts
}

// CheckFormat returns an error naming the report formats when format is
// not one of them ("" is text).
func CheckFormat(format string) error {
	if f, ok := lookup(format); ok && f.Report != nil {
		return nil
	}
	return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(ReportFormats(), ", "))
}

// CheckAuditFormat returns an error naming the audit formats when format
// is not one of them ("" is text).
func CheckAuditFormat(format string) error {
	if f, ok := lookup(format); ok && f.Audit != nil {
		return nil
	}
	return fmt.Errorf("%q: want one of %s", format, strings.Join(AuditFormats(), ", "))
}

// Write renders rep in format to w.
func (r Renderer) Write(w io.Writer, format string, rep *model.Report) error {
	if err := CheckFormat(format); err != nil {
		return err
	}
	f, _ := lookup(format)
	return f.Report(r, w, rep)
}

// WriteAudit writes the audit rep in format to w.
func WriteAudit(w io.Writer, format string, rep *auditview.Report, o AuditOptions) error {
	if err := CheckAuditFormat(format); err != nil {
		return err
	}
	f, _ := lookup(format)
	return f.Audit(w, rep, o)
}
