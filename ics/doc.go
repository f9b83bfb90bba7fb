// Package ics builds iCalendar (RFC 5545) meeting invitations carried as
// iTIP (RFC 5546) REQUEST and CANCEL messages, the text/calendar part a
// handoff email attaches so the prospect's calendar shows the meeting.
//
// What is supported: one VEVENT per calendar with a fixed start and end
// (DTSTART/DTEND, to the second), an organiser, attendees who are asked to
// reply, SEQUENCE for reschedules and METHOD REQUEST or CANCEL. The
// serialisation (property order, TEXT escaping, parameter quoting) is done by
// github.com/emersion/go-ical.
//
// What is not supported: recurrence (no RRULE, RDATE, EXDATE or
// RECURRENCE-ID, so a single occurrence of a series cannot be changed), more
// than one event per calendar, all-day events, alarms, attachments, the other
// iTIP methods (PUBLISH, REPLY, COUNTER, …) and parsing invitations.
//
// Time zones. Times are written in the prospect's IANA zone
// (DTSTART;TZID=America/Los_Angeles:20261102T090000) together with a
// VTIMEZONE generated from Go's zone database, because go-ical writes none.
// The VTIMEZONE has no RRULE: each STANDARD or DAYLIGHT sub-component is one
// real transition of the zone (its onset, TZOFFSETFROM, TZOFFSETTO and
// TZNAME). It lists the observance in effect one year before the meeting and
// every transition up to one year after it, so it is exact for any time in
// that window and says nothing reliable outside it; clients that know the
// TZID from their own database (most do) are unaffected. A zone without
// transitions in the window (Asia/Tokyo, Etc/GMT+5) gets a single STANDARD
// component. An empty, unknown or "Local" zone, and "UTC" itself, fall back to
// UTC instants ("20261102T170000Z") with no VTIMEZONE. So does a meeting that
// starts or ends in the hour repeated when clocks fall back (01:30 on
// 2026-11-01 in Los Angeles happens twice), because such a local time is
// ambiguous to readers. A zone Go cannot load because the program lacks a
// zone database also falls back to UTC: import time/tzdata in main.
//
// Text. Control characters other than tab and newline are removed from TEXT
// values (SUMMARY, DESCRIPTION, LOCATION) and CR LF becomes a newline,
// because RFC 5545 TEXT cannot carry them; invalid UTF-8 becomes U+FFFD.
// Display names go into the CN parameter, which RFC 5545 cannot escape:
// control characters become spaces, double quotes become apostrophes and
// backslashes become slashes (some parsers treat a backslash in a parameter
// as an escape). A person's title is appended to the CN as "Name (Title)"
// rather than sent in an X- parameter, because clients show CN and ignore
// unknown parameters.
//
// Folding. The pinned go-ical does not fold long lines, so Encode folds its
// output at 75 octets (RFC 5545 section 3.1), never inside a UTF-8 sequence.
// Every line ends with CRLF.
package ics
