package model

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// date parses s in the given layout; a layout with a zone keeps it.
func date(t *testing.T, layout, s string, g Granularity) Date {
	t.Helper()
	tm, err := time.Parse(layout, s)
	require.NoError(t, err)
	return Date{Time: tm, Granularity: g, HasZone: layout != "2006-01-02" && layout != "2006-01-02T15:04"}
}

// TestDateCompare pins the tie rules: two dates compare at the coarser of
// their granularities, day-level dates by their calendar days in their own
// zones, finer ones by the instant; the gap is 0 exactly on a tie.
func TestDateCompare(t *testing.T) {
	day := func(s string) Date { return date(t, "2006-01-02", s, GranularityDay) }
	minute := func(s string) Date { return date(t, "2006-01-02T15:04", s, GranularityMinute) }
	minuteZ := func(s string) Date { return date(t, "2006-01-02T15:04Z07:00", s, GranularityMinute) }
	second := func(s string) Date { return date(t, "2006-01-02T15:04:05Z07:00", s, GranularitySecond) }
	dayZ := func(s string) Date { // a minute's calendar day, in its zone
		d := minuteZ(s)
		d.Granularity = GranularityDay
		return d
	}
	tests := []struct {
		name  string
		a, b  Date
		want  int
		hours float64
	}{
		{"same day ties", day("2017-06-09"), day("2017-06-09"), 0, 0},
		{"day against minute on the same day ties", day("2017-06-09"), minute("2017-06-09T13:00"), 0, 0},
		{"minute against day on the same day ties", minute("2017-06-09T23:59"), day("2017-06-09"), 0, 0},
		{"day against second on the same day ties", day("2017-06-09"), second("2017-06-09T00:00:01Z"), 0, 0},
		{"day before a minute of the next day", day("2017-06-09"), minute("2017-06-10T00:00"), -1, 24},
		{"days apart", day("2017-06-06"), day("2017-06-09"), -1, 72},
		{"across a year", day("2017-12-31"), day("2018-01-01"), -1, 24},
		{"same minute ties", minute("2017-06-09T13:00"), minute("2017-06-09T13:00"), 0, 0},
		{"minute against second in that minute ties", minute("2017-06-09T13:00"), second("2017-06-09T13:00:59Z"), 0, 0},
		{"minutes apart", minute("2017-06-09T13:30"), minute("2017-06-09T13:00"), 1, 0.5},
		{"seconds apart", second("2017-06-09T13:00:00Z"), second("2017-06-09T13:00:36Z"), -1, 0.01},
		// Finer than a day, zones name one instant two ways.
		{"one instant in two zones ties", minuteZ("2017-06-09T14:00+01:00"), minuteZ("2017-06-09T13:00Z"), 0, 0},
		{"earlier by the clock, later by the instant", minuteZ("2017-06-09T13:00-05:00"), minuteZ("2017-06-09T14:00Z"), 1, 4},
		// At a day, each date keeps its own calendar day: the same instant
		// falls on two days in Tokyo and New York.
		{"calendar days in their own zones", dayZ("2017-06-10T08:00+09:00"), dayZ("2017-06-09T19:00-04:00"), 1, 24},
		{"one calendar day in two zones ties", dayZ("2017-06-09T01:00+09:00"), dayZ("2017-06-09T22:00-04:00"), 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.a.Compare(tt.b))
			assert.Equal(t, -tt.want, tt.b.Compare(tt.a), "antisymmetric")
			assert.InDelta(t, tt.hours, tt.a.Hours(tt.b), 1e-9)
			assert.InDelta(t, tt.hours, tt.b.Hours(tt.a), 1e-9, "symmetric")
		})
	}
}

// TestCivilDay checks the calendar-day numbering against the time
// package's own, over leap years, centuries and dates before 1970.
func TestCivilDay(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2017, 6, 9, 0, 0, 0, 0, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-400, 3, 1, 0, 0, 0, 0, time.UTC),
	} {
		assert.Equal(t, tm.Unix()/86400, civilDay(tm.Date()), tm.String()) // midnights: exact
	}
}
