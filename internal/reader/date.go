package reader

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/reprint-dev/reprint/internal/model"
)

// ErrDate is wrapped by every error ParseDate returns, so that callers can
// tell an unparsable date from other problems.
var ErrDate = errors.New("reader: unparsable date")

// ParseDate parses a publication date and keeps how precise it was:
// "2017-06-09" has day granularity, "2017-06-09T14:05" minute granularity,
// "2017-06-09T14:05:31.250Z" second granularity (fractions are kept in Time
// but granularity stops at the second). It accepts RFC 3339 with or without
// seconds and zone (the separator may be "T", "t" or a space, the offset may
// be written "+01:00", "+0100" or "+01"), and RFC 1123 / RFC 1123Z with or
// without the weekday. A date without a zone is placed in UTC with HasZone
// false, so that provenance knows it cannot compare it to the minute with a
// zoned one. Named zones are accepted only where RFC 822 defines them (UT,
// UTC, GMT, Z, EST, EDT, CST, CDT, MST, MDT, PST, PDT): other abbreviations
// are ambiguous and Go would silently read them as UTC.
func ParseDate(s string) (model.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return model.Date{}, fmt.Errorf("%w: empty", ErrDate)
	}
	if d, ok := parseISODate(s); ok {
		return d, nil
	}
	if d, ok := parseRFC1123Date(s); ok {
		return d, nil
	}
	return model.Date{}, fmt.Errorf("%w %q", ErrDate, truncate(s, 64))
}

// dateFromTime turns a time.Time that carries no granularity (YAML decodes
// unquoted timestamps to time.Time) into a Date, guessing the granularity
// from the zero fields: midnight UTC is a day, a whole minute a minute.
func dateFromTime(t time.Time) model.Date {
	if t.IsZero() {
		return model.Date{}
	}
	_, off := t.Zone()
	switch {
	case t.Location() == time.UTC && t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0:
		return model.Date{Time: t, Granularity: model.GranularityDay}
	case t.Second() == 0 && t.Nanosecond() == 0:
		return model.Date{Time: t, Granularity: model.GranularityMinute, HasZone: off != 0 || t.Location() != time.UTC}
	default:
		return model.Date{Time: t, Granularity: model.GranularitySecond, HasZone: off != 0 || t.Location() != time.UTC}
	}
}

// parseISODate reads YYYY-MM-DD[(T|t| )HH:MM[:SS[.fff]][zone]] by hand
// rather than with a list of time.Parse layouts, because the granularity is
// whatever part of the string was present, and layouts cannot say that.
func parseISODate(s string) (model.Date, bool) {
	p := scanner{s: s}
	year, ok1 := p.digits(4)
	ok2 := p.byte('-')
	month, ok3 := p.digits(2)
	ok4 := p.byte('-')
	day, ok5 := p.digits(2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return model.Date{}, false
	}
	if p.done() {
		t, ok := makeTime(year, month, day, 0, 0, 0, 0, time.UTC)
		return model.Date{Time: t, Granularity: model.GranularityDay}, ok
	}
	if !p.byte('T') && !p.byte('t') && !p.byte(' ') {
		return model.Date{}, false
	}
	hour, ok1 := p.digits(2)
	ok2 = p.byte(':')
	minute, ok3 := p.digits(2)
	if !(ok1 && ok2 && ok3) {
		return model.Date{}, false
	}
	gran := model.GranularityMinute
	sec, nsec := 0, 0
	if p.byte(':') {
		var ok bool
		if sec, ok = p.digits(2); !ok {
			return model.Date{}, false
		}
		gran = model.GranularitySecond
		if p.byte('.') || p.byte(',') {
			var ok bool
			if nsec, ok = p.fraction(); !ok {
				return model.Date{}, false
			}
		}
	}
	p.byte(' ') // "2017-06-09 14:05:31 +0100" is common in feeds
	loc, hasZone, ok := p.zone()
	if !ok || !p.done() {
		return model.Date{}, false
	}
	t, ok := makeTime(year, month, day, hour, minute, sec, nsec, loc)
	return model.Date{Time: t, Granularity: gran, HasZone: hasZone}, ok
}

// rfc1123Layouts are tried in order; the zone is read apart (see ParseDate).
var rfc1123Layouts = []string{
	"Mon, _2 Jan 2006 15:04:05",
	"Mon, _2 Jan 2006 15:04",
	"_2 Jan 2006 15:04:05",
	"_2 Jan 2006 15:04",
}

// parseRFC1123Date reads RFC 1123 and 1123Z dates (and their RFC 822
// relatives without seconds or weekday), which RSS feeds and some meta tags
// use.
func parseRFC1123Date(s string) (model.Date, bool) {
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return model.Date{}, false
	}
	body, zone := s[:i], s[i+1:]
	loc, ok := namedZone(zone)
	if !ok {
		p := scanner{s: zone}
		var hasZone bool
		loc, hasZone, ok = p.zone()
		if !ok || !hasZone || !p.done() {
			return model.Date{}, false
		}
	}
	body = strings.Join(strings.Fields(body), " ")
	for _, layout := range rfc1123Layouts {
		t, err := time.ParseInLocation(layout, body, loc)
		if err != nil {
			continue
		}
		gran := model.GranularitySecond
		if !strings.Contains(layout, ":05") {
			gran = model.GranularityMinute
		}
		return model.Date{Time: t, Granularity: gran, HasZone: true}, true
	}
	return model.Date{}, false
}

// namedZone knows the zone names RFC 822 defines; any other abbreviation is
// refused rather than guessed.
func namedZone(z string) (*time.Location, bool) {
	hours := map[string]int{
		"UT": 0, "UTC": 0, "GMT": 0, "Z": 0,
		"EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
		"MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
	}
	h, ok := hours[strings.ToUpper(z)]
	if !ok {
		return nil, false
	}
	if h == 0 {
		return time.UTC, true
	}
	return time.FixedZone(strings.ToUpper(z), h*3600), true
}

// makeTime builds a time and refuses out-of-range fields, which time.Date
// would silently normalise (February 30th becoming March 2nd).
func makeTime(year, month, day, hour, minute, sec, nsec int, loc *time.Location) (time.Time, bool) {
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, false
	}
	if sec == 60 { // a leap second: keep the date, lose the second
		sec = 59
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc)
	if t.Day() != day || int(t.Month()) != month {
		return time.Time{}, false
	}
	return t, true
}

// scanner reads a date string left to right.
type scanner struct {
	s string
	i int
}

func (p *scanner) done() bool { return p.i == len(p.s) }

func (p *scanner) byte(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// digits reads exactly n ASCII digits.
func (p *scanner) digits(n int) (int, bool) {
	if p.i+n > len(p.s) {
		return 0, false
	}
	v := 0
	for _, c := range []byte(p.s[p.i : p.i+n]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	p.i += n
	return v, true
}

// fraction reads one or more digits of a fraction of a second, in
// nanoseconds; digits past the ninth are read and dropped.
func (p *scanner) fraction() (int, bool) {
	start, v, scale := p.i, 0, 100_000_000
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		v += int(p.s[p.i]-'0') * scale
		scale /= 10
		p.i++
	}
	return v, p.i > start
}

// zone reads an optional zone: "Z", "z", "UTC", "GMT", "+01:00", "+0100",
// "+01". It returns UTC and hasZone false when nothing is left to read.
func (p *scanner) zone() (loc *time.Location, hasZone, ok bool) {
	if p.done() {
		return time.UTC, false, true
	}
	rest := p.s[p.i:]
	switch rest {
	case "Z", "z", "UTC", "GMT":
		p.i = len(p.s)
		return time.UTC, true, true
	}
	sign := 1
	switch {
	case p.byte('+'):
	case p.byte('-'):
		sign = -1
	default:
		return nil, false, false
	}
	hh, ok := p.digits(2)
	if !ok {
		return nil, false, false
	}
	mm := 0
	if p.byte(':') {
		if mm, ok = p.digits(2); !ok {
			return nil, false, false
		}
	} else if p.i+2 <= len(p.s) {
		if mm, ok = p.digits(2); !ok {
			return nil, false, false
		}
	}
	if hh > 23 || mm > 59 {
		return nil, false, false
	}
	off := sign * (hh*3600 + mm*60)
	if off == 0 {
		return time.UTC, true, true
	}
	return time.FixedZone("", off), true, true
}

// truncate shortens s for an error message without splitting a rune.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
