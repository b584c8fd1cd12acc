package journey

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// TimeLayout is a compiled time_format: the strftime subset %Y %m %d %H %M
// %S %I %p %b %z (and %% for a percent sign). Numbers other than the year
// may have one digit or two (11/2/2026 2:03 PM), as spreadsheets write
// them. A time without %z is in the location given to Parse.
type TimeLayout struct {
	text  string
	parts []layoutPart
}

type layoutPart struct {
	directive byte   // 0 for literal text
	literal   string // when directive is 0
	exact     bool   // two digits exactly: a number follows directly
}

func numeric(c byte) bool { return strings.IndexByte("YmdHMSI", c) >= 0 }

// CompileTimeFormat checks a time_format and compiles it.
func CompileTimeFormat(f string) (*TimeLayout, error) {
	l := &TimeLayout{text: f}
	seen := map[byte]bool{}
	var lit strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			lit.WriteByte(f[i])
			continue
		}
		if i+1 == len(f) {
			return nil, errors.New("ends with a lone %")
		}
		i++
		c := f[i]
		if c == '%' {
			lit.WriteByte('%')
			continue
		}
		if !strings.ContainsRune("YmdHMSIpbz", rune(c)) {
			return nil, fmt.Errorf("%%%c is not supported (use %%Y %%m %%d %%H %%M %%S %%I %%p %%b %%z)", c)
		}
		if seen[c] {
			return nil, fmt.Errorf("%%%c appears twice", c)
		}
		seen[c] = true
		if lit.Len() > 0 {
			l.parts = append(l.parts, layoutPart{literal: lit.String()})
			lit.Reset()
		}
		if n := len(l.parts); n > 0 && numeric(c) && numeric(l.parts[n-1].directive) {
			// Two numbers with nothing between (%Y%m%d): the first has
			// exactly two digits, or they could not be told apart.
			l.parts[n-1].exact = true
		}
		l.parts = append(l.parts, layoutPart{directive: c})
	}
	if lit.Len() > 0 {
		l.parts = append(l.parts, layoutPart{literal: lit.String()})
	}
	switch {
	case !seen['Y'] || !seen['d'] || !seen['m'] && !seen['b']:
		return nil, errors.New("needs a year (%Y), a month (%m or %b) and a day (%d)")
	case seen['m'] && seen['b']:
		return nil, errors.New("has both %m and %b: give the month once")
	case seen['H'] && seen['I']:
		return nil, errors.New("has both %H and %I: give the hour once")
	case seen['I'] != seen['p']:
		return nil, errors.New("%I (12-hour clock) and %p (AM/PM) go together")
	case seen['M'] && !seen['H'] && !seen['I']:
		return nil, errors.New("has minutes (%M) but no hour (%H or %I)")
	case seen['S'] && !seen['M']:
		return nil, errors.New("has seconds (%S) but no minutes (%M)")
	}
	return l, nil
}

// String returns the format the layout was compiled from.
func (l *TimeLayout) String() string { return l.text }

func (p layoutPart) min() int {
	if p.exact {
		return 2
	}
	return 1
}

var monthAbbr = [12]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// Parse reads a time written in the layout; without %z it is in loc.
func (l *TimeLayout) Parse(s string, loc *time.Location) (time.Time, error) {
	year, month, day, hour, min, sec := 0, 1, 1, 0, 0, 0
	pm, hasPM, zone := false, false, loc
	bad := func(what string) (time.Time, error) {
		return time.Time{}, fmt.Errorf("%q does not match time format %q (%s)", s, l.text, what)
	}
	rest := s
	for _, p := range l.parts {
		var ok bool
		switch p.directive {
		case 0:
			if rest, ok = strings.CutPrefix(rest, p.literal); !ok {
				return bad(fmt.Sprintf("expected %q", p.literal))
			}
		case 'Y':
			if year, rest, ok = digits(rest, 4, 4); !ok {
				return bad("year")
			}
		case 'm':
			month, rest, ok = digits(rest, p.min(), 2)
		case 'd':
			day, rest, ok = digits(rest, p.min(), 2)
		case 'H', 'I':
			hour, rest, ok = digits(rest, p.min(), 2)
		case 'M':
			min, rest, ok = digits(rest, 2, 2)
		case 'S':
			sec, rest, ok = digits(rest, 2, 2)
		case 'p':
			hasPM = true
			if len(rest) < 2 {
				return bad("AM or PM")
			}
			switch strings.ToUpper(rest[:2]) {
			case "AM":
			case "PM":
				pm = true
			default:
				return bad("AM or PM")
			}
			rest, ok = rest[2:], true
		case 'b':
			month, rest, ok = monthName(rest)
		case 'z':
			zone, rest, ok = offset(rest)
		}
		if !ok {
			return bad(directiveName(p.directive))
		}
	}
	if rest != "" {
		return bad(fmt.Sprintf("%q left over", rest))
	}
	if hasPM {
		if hour < 1 || hour > 12 {
			return bad("hour of a 12-hour clock")
		}
		hour %= 12
		if pm {
			hour += 12
		}
	}
	return date(s, year, month, day, hour, min, sec, zone)
}

// date builds a time and refuses what time.Date would normalize (Feb 30).
func date(s string, year, month, day, hour, min, sec int, loc *time.Location) (time.Time, error) {
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 59 {
		return time.Time{}, fmt.Errorf("%q is not a valid date and time", s)
	}
	t := time.Date(year, time.Month(month), day, hour, min, sec, 0, loc)
	if t.Day() != day {
		return time.Time{}, fmt.Errorf("%q is not a valid date (%s has no day %d)", s, time.Month(month), day)
	}
	return t, nil
}

func directiveName(c byte) string {
	return map[byte]string{'m': "month", 'd': "day", 'H': "hour", 'I': "hour", 'M': "minutes",
		'S': "seconds", 'b': "month name such as Jan", 'z': "offset such as +01:00 or Z"}[c]
}

// digits reads between lo and hi decimal digits.
func digits(s string, lo, hi int) (int, string, bool) {
	v, i := 0, 0
	for i < len(s) && i < hi && s[i] >= '0' && s[i] <= '9' {
		v = v*10 + int(s[i]-'0')
		i++
	}
	return v, s[i:], i >= lo
}

func monthName(s string) (int, string, bool) {
	if len(s) < 3 {
		return 0, s, false
	}
	m := strings.ToLower(s[:3])
	for i, a := range monthAbbr {
		if a == m {
			return i + 1, s[3:], true
		}
	}
	return 0, s, false
}

// offset reads Z, ±hh:mm or ±hhmm.
func offset(s string) (*time.Location, string, bool) {
	if strings.HasPrefix(s, "Z") || strings.HasPrefix(s, "z") {
		return time.UTC, s[1:], true
	}
	if len(s) < 5 || s[0] != '+' && s[0] != '-' {
		return nil, s, false
	}
	h, rest, ok := digits(s[1:], 2, 2)
	if !ok {
		return nil, s, false
	}
	rest = strings.TrimPrefix(rest, ":")
	m, rest, ok := digits(rest, 2, 2)
	if !ok || h > 23 || m > 59 {
		return nil, s, false
	}
	secs := (h*60 + m) * 60
	if s[0] == '-' {
		secs = -secs
	}
	return time.FixedZone("", secs), rest, true
}

// ParseTime reads a time in RFC 3339 (the default time format). A time
// without an offset (2026-11-02T14:03:00, 2026-11-02 14:03:00) or a date
// alone (2026-11-02, midnight) is in loc.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.In(loc), nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time in RFC 3339 (e.g. 2026-11-02T14:03:00Z) or a date (2026-11-02); set the source's time_format for other forms", s)
}
