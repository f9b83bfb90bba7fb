package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/email"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/slack"
	"github.com/batonhq/baton/worker"
)

// Channels are the email and Slack senders serve builds from its flags and
// environment; nil when not configured.
type Channels struct {
	Email *email.Sender // BATON_SMTP_URL, BATON_SMTP_PASSWORD[_FILE], --mail-from
	Slack *slack.Client // BATON_SLACK_BOT_TOKEN[_FILE] or BATON_SLACK_WEBHOOK_URL
	CRM   CRMWriteBack  // BATON_HUBSPOT_TOKEN[_FILE], BATON_SALESFORCE_* (crm.go)
}

// channelFlags are serve's email and Slack flags. Secrets come from the
// environment or from files, never from argv.
type channelFlags struct {
	smtpURL, smtpPasswordFile, mailFrom, slackTokenFile string
}

// addChannelFlags registers the email and Slack flags on fs, their
// defaults read with getenv (os.Getenv in serve).
func addChannelFlags(fs *flag.FlagSet, getenv func(string) string) *channelFlags {
	f := &channelFlags{}
	fs.StringVar(&f.smtpURL, "smtp-url", getenv("BATON_SMTP_URL"), "SMTP relay, e.g. smtp://user@host:587?tls=starttls (tls: starttls, opportunistic, implicit, none; smtps:// for implicit TLS); the password goes in BATON_SMTP_PASSWORD or --smtp-password-file (env BATON_SMTP_URL)")
	fs.StringVar(&f.smtpPasswordFile, "smtp-password-file", getenv("BATON_SMTP_PASSWORD_FILE"), "file holding the SMTP password; or set BATON_SMTP_PASSWORD (never on the command line)")
	fs.StringVar(&f.mailFrom, "mail-from", getenv("BATON_MAIL_FROM"), `sender of email, e.g. "Baton <baton@example.com>"; required with --smtp-url (env BATON_MAIL_FROM)`)
	fs.StringVar(&f.slackTokenFile, "slack-bot-token-file", getenv("BATON_SLACK_BOT_TOKEN_FILE"), "file holding a Slack bot token (xoxb-…); or set BATON_SLACK_BOT_TOKEN, or BATON_SLACK_WEBHOOK_URL for an incoming webhook (never on the command line)")
	return f
}

// channelSecretFlags maps flags that would carry a secret on the command
// line to where the secret goes instead.
var channelSecretFlags = map[string]string{
	"smtp-password":     "set BATON_SMTP_PASSWORD in the environment or pass --smtp-password-file FILE",
	"slack-bot-token":   "set BATON_SLACK_BOT_TOKEN in the environment or pass --slack-bot-token-file FILE",
	"slack-webhook-url": "set BATON_SLACK_WEBHOOK_URL in the environment (the URL is a secret)",
}

// refuseChannelSecretFlags fails, saying how to pass the secret instead,
// when args hold a channel secret flag.
func refuseChannelSecretFlags(args []string) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if how, ok := channelSecretFlags[name]; ok {
			return usageError{fmt.Sprintf("--%s is not accepted: a secret on the command line is visible to every user of the machine (ps); %s", name, how)}
		}
	}
	return nil
}

// load builds the channels from the flags and getenv (os.Getenv in serve).
func (f *channelFlags) load(getenv func(string) string) (Channels, error) {
	var ch Channels
	password, err := secret("BATON_SMTP_PASSWORD", getenv("BATON_SMTP_PASSWORD"), "--smtp-password-file", f.smtpPasswordFile)
	if err != nil {
		return Channels{}, err
	}
	switch {
	case f.smtpURL != "":
		cfg, err := email.ParseURL(f.smtpURL)
		if err != nil {
			return Channels{}, usageError{fmt.Sprintf("--smtp-url: %v", err)}
		}
		if f.mailFrom == "" {
			return Channels{}, usageError{`--smtp-url needs a sender: pass --mail-from "Baton <baton@example.com>" or set BATON_MAIL_FROM`}
		}
		if cfg.Username != "" && password == "" {
			return Channels{}, usageError{"--smtp-url names a user but no password is set: set BATON_SMTP_PASSWORD or pass --smtp-password-file FILE"}
		}
		cfg.Password, cfg.From = password, f.mailFrom
		ch.Email = &email.Sender{Config: cfg}
	case password != "" || f.mailFrom != "":
		return Channels{}, usageError{"an SMTP password or --mail-from is set without --smtp-url (BATON_SMTP_URL)"}
	}

	token, err := secret("BATON_SLACK_BOT_TOKEN", getenv("BATON_SLACK_BOT_TOKEN"), "--slack-bot-token-file", f.slackTokenFile)
	if err != nil {
		return Channels{}, err
	}
	hook := getenv("BATON_SLACK_WEBHOOK_URL")
	switch {
	case token != "" && hook != "":
		return Channels{}, usageError{"both a Slack bot token and BATON_SLACK_WEBHOOK_URL are set: use one"}
	case token != "":
		if !strings.HasPrefix(token, "xoxb-") {
			return Channels{}, usageError{"the Slack bot token does not start with xoxb-: use the bot user OAuth token"}
		}
		ch.Slack = &slack.Client{HTTPClient: &http.Client{}, Token: token}
	case hook != "":
		if !strings.HasPrefix(hook, "https://") {
			return Channels{}, usageError{"BATON_SLACK_WEBHOOK_URL is not an https URL"}
		}
		ch.Slack = &slack.Client{HTTPClient: &http.Client{}, WebhookURL: hook}
	}
	return ch, nil
}

// logConfigured says which channels are configured, without secrets.
func (ch Channels) logConfigured(log *slog.Logger) {
	if ch.Email != nil {
		c := ch.Email.Config
		log.Info("email channel configured", "relay", c.Host, "port", c.Port, "tls", c.TLS.String(), "from", c.From)
	}
	if ch.Slack != nil {
		via := "incoming webhook"
		if ch.Slack.Token != "" {
			via = "bot token"
		}
		log.Info("slack channel configured", "via", via)
	}
	ch.CRM.logConfigured(log)
}

// secret returns a secret from the environment's value or from file (its
// trailing newline dropped); giving both is an error.
func secret(envName, fromEnv, flagName, file string) (string, error) {
	if file == "" {
		return fromEnv, nil
	}
	if fromEnv != "" {
		return "", usageError{fmt.Sprintf("both %s and %s are set: use one", envName, flagName)}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%s: %w", flagName, err)
	}
	s := strings.TrimRight(string(b), "\r\n")
	if strings.TrimSpace(s) == "" {
		return "", fmt.Errorf("%s: %s is empty", flagName, file)
	}
	return s, nil
}

// deliverers returns the outbox's deliverers of the configured channels,
// webhook included (a nil webhook when its URL is not set). Email and
// Slack render each message through package notify when they deliver it.
func (ch Channels) deliverers(svc *service.Service, hook worker.Deliverer) map[string]worker.Deliverer {
	out := map[string]worker.Deliverer{}
	if hook != nil {
		out[baton.ChannelWebhook] = hook
	}
	if ch.Email != nil {
		out[baton.ChannelEmail] = withProspectEmail(svc, ch.Email, &worker.Email{Service: svc, Sender: ch.Email})
	}
	if ch.Slack != nil {
		out[baton.ChannelSlack] = &worker.Slack{Service: svc, Client: ch.Slack}
	}
	ch.CRM.deliverers(svc, out)
	return out
}

// names lists the channels of a deliverers map, in baton.NotifyChannels
// order, for Service.SetChannels.
func names(d map[string]worker.Deliverer) []string {
	var out []string
	for _, c := range baton.NotifyChannels {
		if _, ok := d[c]; ok {
			out = append(out, c)
		}
	}
	return out
}
