package model

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

// Compare orders d and e at the coarser of their granularities: -1, 0
// (the same day, minute or second at that precision: neither is known to
// be earlier) or 1. Callers test IsZero first: an undated date compares
// as the zero time, the earliest of all.
func (d Date) Compare(e Date) int {
	a, b := d, e
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

// FutureSlack is how far after the run's clock a date may lie before it is
// taken as a mistake (a wrong year, a placeholder such as 2099-01-01)
// rather than a clock or zone difference.
const FutureSlack = 24 * time.Hour

// IsFuture reports whether d lies more than FutureSlack after now.
func (d Date) IsFuture(now time.Time) bool {
	return !d.IsZero() && d.Time.After(now.Add(FutureSlack))
}
