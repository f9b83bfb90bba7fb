package main

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/email"
)

func TestChannelFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "smtp-password")
	tokenFile := filepath.Join(dir, "slack-token")
	if err := os.WriteFile(pwFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tokenFile, []byte("xoxb-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(t *testing.T, ch Channels)
		wantErr string
	}{
		{name: "NothingConfigured", check: func(t *testing.T, ch Channels) {
			if ch.Email != nil || ch.Slack != nil {
				t.Errorf("got %+v, want no channels", ch)
			}
		}},
		{name: "SMTPWithPasswordFromEnv",
			args: []string{"--smtp-url", "smtp://baton@mail.acme.test:587?tls=starttls", "--mail-from", "Baton <baton@acme.test>"},
			env:  map[string]string{"BATON_SMTP_PASSWORD": "from-env"},
			check: func(t *testing.T, ch Channels) {
				want := email.Config{Host: "mail.acme.test", Port: 587, Username: "baton", Password: "from-env", TLS: email.TLSMandatory, From: "Baton <baton@acme.test>"}
				if ch.Email == nil || ch.Email.Config != want {
					t.Errorf("got %+v, want %+v", ch.Email, want)
				}
			}},
		{name: "SMTPFromEnvWithPasswordFile",
			args: []string{"--smtp-password-file", pwFile},
			env:  map[string]string{"BATON_SMTP_URL": "smtps://baton@mail.acme.test", "BATON_MAIL_FROM": "baton@acme.test"},
			check: func(t *testing.T, ch Channels) {
				if ch.Email == nil || ch.Email.Config.Password != "from-file" || ch.Email.Config.TLS != email.TLSImplicit {
					t.Errorf("got %+v, want implicit TLS with the file's password", ch.Email)
				}
			}},
		{name: "SMTPWithoutFrom", args: []string{"--smtp-url", "smtp://mail.acme.test"}, wantErr: "--mail-from"},
		{name: "SMTPUserWithoutPassword", args: []string{"--smtp-url", "smtp://baton@mail.acme.test", "--mail-from", "b@acme.test"}, wantErr: "no password"},
		{name: "SMTPPasswordInURL", args: []string{"--smtp-url", "smtp://baton:s3cret@mail.acme.test", "--mail-from", "b@acme.test"}, wantErr: "password"},
		{name: "SMTPPasswordTwice", args: []string{"--smtp-url", "smtp://baton@mail.acme.test", "--mail-from", "b@acme.test", "--smtp-password-file", pwFile},
			env: map[string]string{"BATON_SMTP_PASSWORD": "x"}, wantErr: "use one"},
		{name: "PasswordWithoutURL", env: map[string]string{"BATON_SMTP_PASSWORD": "x"}, wantErr: "without --smtp-url"},
		{name: "SlackBotTokenFromFile", args: []string{"--slack-bot-token-file", tokenFile}, check: func(t *testing.T, ch Channels) {
			if ch.Slack == nil || ch.Slack.Token != "xoxb-from-file" || ch.Slack.WebhookURL != "" {
				t.Errorf("got %+v, want the bot token from the file", ch.Slack)
			}
		}},
		{name: "SlackWebhookFromEnv", env: map[string]string{"BATON_SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/X"}, check: func(t *testing.T, ch Channels) {
			if ch.Slack == nil || ch.Slack.WebhookURL == "" || ch.Slack.Token != "" {
				t.Errorf("got %+v, want the incoming webhook", ch.Slack)
			}
		}},
		{name: "SlackBoth", env: map[string]string{"BATON_SLACK_BOT_TOKEN": "xoxb-1", "BATON_SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/X"}, wantErr: "use one"},
		{name: "SlackUserToken", env: map[string]string{"BATON_SLACK_BOT_TOKEN": "xoxp-1"}, wantErr: "xoxb-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			getenv := func(k string) string { return tt.env[k] }
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			f := addChannelFlags(fs, getenv)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			ch, err := f.load(getenv)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error mentioning %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "s3cret") {
					t.Errorf("error %q repeats the password", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, ch)
		})
	}
}

func TestServeRefusesChannelSecretsOnArgv(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--smtp-password", "s3cret"},
		{"--smtp-password=s3cret"},
		{"-slack-bot-token", "xoxb-1"},
		{"--slack-webhook-url=https://hooks.slack.com/services/T0/B0/X"},
	} {
		err := refuseChannelSecretFlags(args)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "BATON_") {
			t.Errorf("%v: got %v, want a usage error naming the environment variable", args, err)
		}
	}
	if err := refuseChannelSecretFlags([]string{"--smtp-password-file", "f", "--", "--smtp-password"}); err != nil {
		t.Errorf("got %v, want the file flag and args after -- accepted", err)
	}
}
