package reprint

import (
	"cmp"
	"time"
)

// Granularity says how precise a document's date is. Two dates of day
// granularity on the same day tie: neither is known to be earlier.
type Granularity uint8

// The granularities a date can have, from unknown to the second.
const (
	GranularityNone   Granularity = iota // no date
	GranularityDay                       // 2017-06-09
	GranularityMinute                    // 2017-06-09T14:05
	GranularitySecond                    // 2017-06-09T14:05:31
)

// String returns "", "day", "minute" or "second".
func (g Granularity) String() string {
	switch g {
	case GranularityDay:
		return "day"
	case GranularityMinute:
		return "minute"
	case GranularitySecond:
		return "second"
	}
	return ""
}

// Date is a publication date with the precision it was given with. The zero
// Date means "undated".
type Date struct {
	Time        time.Time   // in the zone it was given in (UTC when none was)
	Granularity Granularity // how much of Time is known
	HasZone     bool        // whether the source named a zone or offset
}

// IsZero reports whether the date is unknown.
func (d Date) IsZero() bool { return d.Granularity == GranularityNone }

// String formats the date at its own granularity: "2017-06-09",
// "2017-06-09T14:05Z", "2017-06-09T14:05:31+01:00".
func (d Date) String() string {
	zone := ""
	if d.HasZone || d.Granularity > GranularityDay {
		zone = "Z07:00"
	}
	switch d.Granularity {
	case GranularityDay:
		return d.Time.Format("2006-01-02")
	case GranularityMinute:
		return d.Time.Format("2006-01-02T15:04" + zone)
	case GranularitySecond:
		return d.Time.Format("2006-01-02T15:04:05" + zone)
	}
	return ""
}

// Document is one article. Text is what is compared; byte offsets in a
// Report index into Text, shifted by TextOffset so that they index the file
// as read (see TextOffset).
type Document struct {
	// ID names the document in reports; it must be unique among the
	// documents given to one Detector.
	ID string
	// Path is the file the document came from, if any (informational).
	Path string
	// Text is the article's text.
	Text string
	// TextOffset is the byte offset of Text inside the file as read, for
	// formats where metadata precedes the text (a seed file's " date …"
	// prefix, Markdown front matter). Report offsets are into the file:
	// Text[i] is at file offset TextOffset+i. Zero for JSON Lines and HTML,
	// whose offsets are into the decoded or extracted text.
	TextOffset int
	// LineOffset is the number of lines before Text in the file (the
	// front matter's lines), so that reported line numbers are the file's.
	LineOffset int
	Title      string
	Source     string // the outlet or agency, for example "Reuters"
	URL        string
	Date       Date
}

// compareDates orders two dates at the coarser of their granularities:
// -1, 0 (same instant at that precision) or 1.
func compareDates(a, b Date) int {
	g := min(a.Granularity, b.Granularity)
	ta, tb := a.Time.UTC(), b.Time.UTC()
	switch g {
	case GranularityDay:
		ta, tb = a.Time, b.Time // calendar days in their own zones
		ya, ma, da := ta.Date()
		yb, mb, db := tb.Date()
		return cmp.Or(cmp.Compare(ya, yb), cmp.Compare(ma, mb), cmp.Compare(da, db))
	case GranularityMinute:
		return cmp.Compare(ta.Unix()/60, tb.Unix()/60)
	}
	return cmp.Compare(ta.Unix(), tb.Unix())
}
