package slack

import "strings"

// Text is a Block Kit text object.
type Text struct {
	// Type is "mrkdwn" or "plain_text".
	Type string `json:"type"`
	// Text is the content: Slack's mrkdwn for "mrkdwn", shown as is for
	// "plain_text".
	Text string `json:"text"`
}

// Mrkdwn returns a mrkdwn text object. s is sent as given: escape untrusted
// parts with Escape.
func Mrkdwn(s string) Text { return Text{Type: "mrkdwn", Text: s} }

// Plain returns a plain_text text object.
func Plain(s string) Text { return Text{Type: "plain_text", Text: s} }

// Block is one Block Kit layout block: a section, a context or an actions
// block (the three Baton's notifications use). Build it with Section,
// Context or Actions.
type Block struct {
	// Type is "section", "context" or "actions".
	Type string `json:"type"`
	// Text is a section's text.
	Text *Text `json:"text,omitempty"`
	// Fields are a section's two-column fields (at most 10).
	Fields []Text `json:"fields,omitempty"`
	// Elements are a context block's text objects or an actions block's
	// buttons.
	Elements []any `json:"elements,omitempty"`
}

// Button is a link button in an actions block: clicking opens URL; Slack
// also sends an interaction payload naming ActionID to the app, which Baton
// does not need to answer for link buttons.
type Button struct {
	// Text is the button's label, plain text (at most 75 characters).
	Text string
	// URL is the page the button opens (at most 3000 characters).
	URL string
	// ActionID identifies the button, unique within the message.
	ActionID string
	// Primary gives the button the highlighted "primary" style; use it for
	// the one action the reader is expected to take.
	Primary bool
}

// button is a Button as Block Kit writes it.
type button struct {
	Type     string `json:"type"`
	Text     Text   `json:"text"`
	URL      string `json:"url,omitempty"`
	ActionID string `json:"action_id"`
	Style    string `json:"style,omitempty"`
}

// Section returns a section block of mrkdwn text with optional mrkdwn
// fields, each sent as given: escape untrusted parts with Escape.
func Section(mrkdwn string, fields ...string) Block {
	b := Block{Type: "section", Text: &Text{Type: "mrkdwn", Text: mrkdwn}}
	for _, f := range fields {
		b.Fields = append(b.Fields, Mrkdwn(f))
	}
	return b
}

// Context returns a context block: small, grey mrkdwn lines under a
// message, sent as given.
func Context(mrkdwn ...string) Block {
	b := Block{Type: "context"}
	for _, s := range mrkdwn {
		b.Elements = append(b.Elements, Mrkdwn(s))
	}
	return b
}

// Actions returns an actions block of link buttons.
func Actions(buttons ...Button) Block {
	b := Block{Type: "actions"}
	for _, btn := range buttons {
		el := button{Type: "button", Text: Plain(btn.Text), URL: btn.URL, ActionID: btn.ActionID}
		if btn.Primary {
			el.Style = "primary"
		}
		b.Elements = append(b.Elements, el)
	}
	return b
}

// escaper replaces the three characters Slack's mrkdwn gives a meaning to:
// & starts an entity, < and > delimit links and mentions.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Escape makes s safe to embed in mrkdwn or in a message's text: a name
// like "<!channel> & Co" shows as typed instead of pinging a channel.
// Slack's formatting characters (*bold*, _italic_) are left alone: they
// only format, and Slack has no escape for them.
func Escape(s string) string { return escaper.Replace(s) }

// Link returns a mrkdwn link to url labelled with label, both escaped.
// A "|" in the label would end the link's URL part early in Slack's parser,
// so it is replaced with a similar-looking character.
func Link(url, label string) string {
	return "<" + Escape(url) + "|" + strings.ReplaceAll(Escape(label), "|", "¦") + ">"
}
