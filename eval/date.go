package eval

import (
	"strings"
	"time"
)

// Dates are compared as calendar dates whatever their format: ISO 8601
// (2024-03-05, 2024-03-05T10:00:00Z), day-month-year and month-day-year
// with /, . or - (05.03.2024, 03/05/2024), written months (5 March 2024,
// March 5, 2024, 05-Mar-2024, Tue, 5 Mar 2024). A numeric date with both
// readings possible (03/05/2024) matches if either reading does. Two
// date-times with a clock compare as instants; a date-time and a date
// compare by the date-time's calendar date as written.

var dateLayouts = []string{
	"2006-01-02", "2006/01/02", "2006.01.02", "20060102",
	"02.01.2006", "2.1.2006", "02/01/2006", "2/1/2006", "02-01-2006", "2-1-2006",
	"01/02/2006", "1/2/2006", "01-02-2006", "1-2-2006", "01.02.2006", "1.2.2006",
	"2 January 2006", "2 Jan 2006", "2 Jan. 2006", "02 January 2006", "02 Jan 2006",
	"January 2, 2006", "January 2 2006", "Jan 2, 2006", "Jan 2 2006", "Jan. 2, 2006",
	"02-Jan-2006", "2-Jan-2006", "02-Jan-06", "2006-Jan-02",
	"Mon, 2 Jan 2006", "Monday, 2 January 2006", "Monday, January 2, 2006", "Mon, Jan 2, 2006",
	"2. January 2006", "2. Jan 2006",
}

var dateTimeLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04",
	"2006-01-02 15:04", "2006-01-02 15:04:05Z07:00", time.RFC1123Z, time.RFC1123,
}

// day is a calendar date.
type day struct {
	y int
	m time.Month
	d int
}

// readDate returns the calendar dates s can mean (two for an ambiguous
// numeric date), and the instant when s has a clock and a zone.
func readDate(s string) (days []day, instant time.Time, hasInstant bool) {
	s = strings.TrimSpace(s)
	for _, l := range dateTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			days = append(days, day{t.Year(), t.Month(), t.Day()})
			zoned := strings.Contains(l, "Z07") || strings.Contains(l, "MST") || l == time.RFC3339Nano
			return days, t, zoned
		}
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			dd := day{t.Year(), t.Month(), t.Day()}
			dup := false
			for _, x := range days {
				dup = dup || x == dd
			}
			if !dup {
				days = append(days, dd)
			}
		}
	}
	return days, time.Time{}, false
}

// datesEqual compares two date strings; ok is false when either is not a
// date Quarry can read (the caller then compares the text).
func datesEqual(a, b string) (equal, ok bool) {
	da, ta, ia := readDate(a)
	db, tb, ib := readDate(b)
	if len(da) == 0 || len(db) == 0 {
		return false, false
	}
	if ia && ib {
		return ta.Equal(tb), true
	}
	for _, x := range da {
		for _, y := range db {
			if x == y {
				return true, true
			}
		}
	}
	return false, true
}
