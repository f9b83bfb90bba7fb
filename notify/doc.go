// Package notify turns a notice (baton.Notice, the payload of a queued
// message to someone on the revenue team) into what each channel sends:
// an email's subject, plain-text and HTML bodies; a Slack message's text
// fallback and Block Kit blocks; a webhook's JSON data. It also chooses the
// channels a notice goes out on (Choose).
//
// It is pure: no store, no network, no clock. Times are shown in the
// recipient's own time zone with the zone's abbreviation ("accept by 14:05
// CET (in 5 min)"), relative to Recipient.Now. Templates are embedded and
// parsed once, when the package loads.
//
// Limits: English only; the HTML uses inline styles and tables-free
// markup that common mail clients render, but is not tested in any of them.
package notify
