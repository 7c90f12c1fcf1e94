package junit

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/reprint-dev/reprint/audit"
)

// TestSuites is the document element.
type TestSuites struct {
	XMLName  xml.Name    `xml:"testsuites"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Suites   []TestSuite `xml:"testsuite"`
}

// TestSuite holds the articles of one audit.
type TestSuite struct {
	Name      string     `xml:"name,attr"`
	Tests     int        `xml:"tests,attr"`
	Failures  int        `xml:"failures,attr"`
	Errors    int        `xml:"errors,attr"`
	Skipped   int        `xml:"skipped,attr"`
	TestCases []TestCase `xml:"testcase"`
}

// TestCase is one article.
type TestCase struct {
	Name      string   `xml:"name,attr"`
	ClassName string   `xml:"classname,attr"`
	File      string   `xml:"file,attr,omitempty"`
	Failure   *Failure `xml:"failure,omitempty"`
	Skipped   *Skipped `xml:"skipped,omitempty"`
	SystemOut string   `xml:"system-out,omitempty"`
}

// Failure says why an article violates the policy.
type Failure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

// Skipped marks an article that asks to be ignored.
type Skipped struct {
	Message string `xml:"message,attr"`
}

// Build turns an audit report into JUnit test suites.
func Build(rep *audit.Report) TestSuites {
	suite := TestSuite{Name: "reprint audit", Tests: len(rep.Articles)}
	for _, a := range rep.Articles {
		tc := TestCase{Name: a.ID, ClassName: "reprint.audit", File: a.Path}
		var lines []string
		for _, f := range a.Findings {
			mark := " "
			if f.Violation {
				mark = "✗"
			}
			lines = append(lines, fmt.Sprintf("%s %s:%d:%d  %s  %d words from %s%s\n    %s",
				mark, a.ID, f.Line, f.Column, f.Rule, f.Words, f.Reference.ID, suppressed(f), excerpt(f.Text)))
		}
		switch {
		case a.Ignored != "":
			tc.Skipped = &Skipped{Message: "ignored: " + a.Ignored}
			suite.Skipped++
		case a.Violation:
			tc.Failure = &Failure{
				Message: fmt.Sprintf("%.0f%% of the article is uncredited wire copy; the policy allows %.0f%%", 100*a.CountedShare, 100*rep.Policy.MaxShare),
				Type:    audit.RuleUncredited,
				Body:    strings.Join(lines, "\n"),
			}
			suite.Failures++
		default:
			tc.SystemOut = strings.Join(lines, "\n")
		}
		suite.TestCases = append(suite.TestCases, tc)
	}
	return TestSuites{Name: "reprint", Tests: suite.Tests, Failures: suite.Failures, Skipped: suite.Skipped, Suites: []TestSuite{suite}}
}

func suppressed(f audit.Finding) string {
	if f.Suppressed != "" {
		return " (suppressed: " + f.Suppressed + ")"
	}
	return ""
}

func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 160 {
		return string(r[:159]) + "…"
	}
	return s
}

// Write writes the JUnit XML of rep to w.
func Write(w io.Writer, rep *audit.Report) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(Build(rep)); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
