package model

import (
	"cmp"
	"math"
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
// be earlier) or 1. Day-level dates compare by their calendar days, each
// in its own zone; finer ones by the instant. Callers test IsZero first:
// an undated date compares as the zero time, the earliest of all.
func (d Date) Compare(e Date) int {
	a, b, _ := d.ticks(e)
	return cmp.Compare(a, b)
}

// Hours returns how far apart d and e are at the coarser of their
// granularities, in hours and never negative: 24 for each calendar day
// between day-level dates, whole minutes or seconds otherwise. It is 0
// exactly when Compare is. Callers test IsZero first, as for Compare.
func (d Date) Hours(e Date) float64 {
	a, b, g := d.ticks(e)
	gap := math.Abs(float64(a - b))
	switch g {
	case GranularityDay:
		return gap * 24
	case GranularityMinute:
		return gap / 60
	}
	return gap / 3600
}

// ticks places d and e on one scale at the coarser g of their
// granularities: calendar days, minutes or seconds since 1970-01-01.
func (d Date) ticks(e Date) (a, b int64, g Granularity) {
	g = min(d.Granularity, e.Granularity)
	switch g {
	case GranularityDay:
		return civilDay(d.Time.Date()), civilDay(e.Time.Date()), g
	case GranularityMinute:
		return d.Time.Unix() / 60, e.Time.Unix() / 60, g
	}
	return d.Time.Unix(), e.Time.Unix(), g
}

// civilDay numbers calendar days (days since 1970-01-01 in the proleptic
// Gregorian calendar), so that day-level dates in different zones compare
// by their calendar day.
func civilDay(y int, month time.Month, d int) int64 {
	m := int(month)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097 + doe - 719468)
}

// FutureSlack is how far after the run's clock a date may lie before it is
// taken as a mistake (a wrong year, a placeholder such as 2099-01-01)
// rather than a clock or zone difference.
const FutureSlack = 24 * time.Hour

// IsFuture reports whether d lies more than FutureSlack after now.
func (d Date) IsFuture(now time.Time) bool {
	return !d.IsZero() && d.Time.After(now.Add(FutureSlack))
}
