package reader_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/internal/model"
	"github.com/reprint-dev/reprint/internal/reader"
)

func TestParseDate(t *testing.T) {
	plus1 := time.FixedZone("", 3600)
	minus5 := time.FixedZone("", -5*3600)
	tests := []struct {
		name    string
		in      string
		want    time.Time
		gran    model.Granularity
		hasZone bool
	}{
		{"day only", "2017-06-09", time.Date(2017, 6, 9, 0, 0, 0, 0, time.UTC), model.GranularityDay, false},
		{"surrounding space is ignored", "  2017-06-09\n", time.Date(2017, 6, 9, 0, 0, 0, 0, time.UTC), model.GranularityDay, false},
		{"minute without zone", "2017-06-09T14:05", time.Date(2017, 6, 9, 14, 5, 0, 0, time.UTC), model.GranularityMinute, false},
		{"minute with Z", "2017-06-09T14:05Z", time.Date(2017, 6, 9, 14, 5, 0, 0, time.UTC), model.GranularityMinute, true},
		{"minute with offset", "2017-06-09T14:05+01:00", time.Date(2017, 6, 9, 14, 5, 0, 0, plus1), model.GranularityMinute, true},
		{"second without zone", "2017-06-09T14:05:31", time.Date(2017, 6, 9, 14, 5, 31, 0, time.UTC), model.GranularitySecond, false},
		{"RFC 3339", "2017-06-09T14:05:31+01:00", time.Date(2017, 6, 9, 14, 5, 31, 0, plus1), model.GranularitySecond, true},
		{"RFC 3339 lower-case t and z", "2017-06-09t14:05:31z", time.Date(2017, 6, 9, 14, 5, 31, 0, time.UTC), model.GranularitySecond, true},
		{"fraction of a second", "2017-06-09T14:05:31.250Z", time.Date(2017, 6, 9, 14, 5, 31, 250_000_000, time.UTC), model.GranularitySecond, true},
		{"offset without colon", "2017-06-09T14:05:31-0500", time.Date(2017, 6, 9, 14, 5, 31, 0, minus5), model.GranularitySecond, true},
		{"offset in hours only", "2017-06-09T14:05:31+01", time.Date(2017, 6, 9, 14, 5, 31, 0, plus1), model.GranularitySecond, true},
		{"space separated minute", "2017-06-09 14:05", time.Date(2017, 6, 9, 14, 5, 0, 0, time.UTC), model.GranularityMinute, false},
		{"space separated second", "2017-06-09 14:05:31", time.Date(2017, 6, 9, 14, 5, 31, 0, time.UTC), model.GranularitySecond, false},
		{"space before the offset", "2017-06-09 14:05:31 +0100", time.Date(2017, 6, 9, 14, 5, 31, 0, plus1), model.GranularitySecond, true},
		{"zero offset is UTC", "2017-06-09T14:05:31+00:00", time.Date(2017, 6, 9, 14, 5, 31, 0, time.UTC), model.GranularitySecond, true},
		{"RFC 1123", "Fri, 09 Jun 2017 14:05:31 GMT", time.Date(2017, 6, 9, 14, 5, 31, 0, time.UTC), model.GranularitySecond, true},
		{"RFC 1123Z", "Fri, 09 Jun 2017 14:05:31 +0100", time.Date(2017, 6, 9, 14, 5, 31, 0, plus1), model.GranularitySecond, true},
		{"RFC 1123 with one-digit day", "Fri, 9 Jun 2017 14:05:31 GMT", time.Date(2017, 6, 9, 14, 5, 31, 0, time.UTC), model.GranularitySecond, true},
		{"RFC 822 zone name", "Fri, 09 Jun 2017 09:05:31 EST", time.Date(2017, 6, 9, 9, 5, 31, 0, minus5), model.GranularitySecond, true},
		{"RFC 1123 without weekday or seconds", "9 Jun 2017 14:05 +0100", time.Date(2017, 6, 9, 14, 5, 0, 0, plus1), model.GranularityMinute, true},
		{"leap second keeps the date", "2016-12-31T23:59:60Z", time.Date(2016, 12, 31, 23, 59, 59, 0, time.UTC), model.GranularitySecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := reader.ParseDate(tt.in)
			require.NoError(t, err)
			assert.True(t, tt.want.Equal(d.Time), "time: want %v, got %v", tt.want, d.Time)
			_, wantOff := tt.want.Zone()
			_, gotOff := d.Time.Zone()
			assert.Equal(t, wantOff, gotOff, "zone offset")
			assert.Equal(t, tt.gran, d.Granularity)
			assert.Equal(t, tt.hasZone, d.HasZone)
		})
	}
}

func TestParseDateRejects(t *testing.T) {
	for _, in := range []string{
		"",
		"   ",
		"yesterday",
		"2017-6-9",
		"2017-02-30",
		"2017-13-01",
		"2017-06-09T25:00",
		"2017-06-09T14",
		"2017-06-09T14:05:31+25:00",
		"2017-06-09T14:05:31 CEST", // ambiguous abbreviation: refused, not read as UTC
		"Fri, 09 Jun 2017 14:05:31 CEST",
		"2017-06-09T14:05:31.",
		"2017-06-09 and more",
		"09/06/2017",
	} {
		t.Run(in, func(t *testing.T) {
			d, err := reader.ParseDate(in)
			require.Error(t, err)
			assert.ErrorIs(t, err, reader.ErrDate)
			assert.True(t, d.IsZero())
		})
	}
}

func TestParseDateRoundTripsThroughString(t *testing.T) {
	for _, in := range []string{"2017-06-09", "2017-06-09T14:05", "2017-06-09T14:05:31+01:00", "Fri, 09 Jun 2017 14:05:31 GMT"} {
		t.Run(in, func(t *testing.T) {
			d, err := reader.ParseDate(in)
			require.NoError(t, err)
			again, err := reader.ParseDate(d.String())
			require.NoError(t, err)
			assert.True(t, d.Time.Equal(again.Time))
			assert.Equal(t, d.Granularity, again.Granularity)
		})
	}
}
