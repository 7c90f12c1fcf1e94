// Package ghactions writes audit reports for GitHub Actions: workflow
// commands that annotate the offending lines (::error file=…,line=…::…)
// and a Markdown summary for the job's step summary page.
package ghactions
