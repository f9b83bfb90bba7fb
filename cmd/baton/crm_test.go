package main

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/crm"
	"github.com/batonhq/baton/crm/hubspot"
	"github.com/batonhq/baton/crm/salesforce"
	"github.com/google/go-cmp/cmp"
)

func TestCRMFlags(t *testing.T) {
	t.Parallel()
	tokenFile := filepath.Join(t.TempDir(), "hubspot-token")
	if err := os.WriteFile(tokenFile, []byte("pat-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(t *testing.T, w CRMWriteBack)
		wantErr string
	}{
		{name: "NothingConfiguredWritesNothing", check: func(t *testing.T, w CRMWriteBack) {
			if len(w.CRMs) != 0 || len(w.config().Connectors) != 0 {
				t.Errorf("got %+v, want no CRM", w)
			}
		}},
		{name: "HubSpotTokenFromFileWritesEverything", args: []string{"--hubspot-token-file", tokenFile}, check: func(t *testing.T, w CRMWriteBack) {
			if len(w.CRMs) != 1 {
				t.Fatalf("got %d CRMs, want 1", len(w.CRMs))
			}
			c, ok := w.CRMs[0].(*hubspot.Client)
			if !ok || c.Token != "pat-from-file" || c.BaseURL != hubspot.DefaultBaseURL || c.LinkProperty != hubspot.DefaultLinkProperty {
				t.Errorf("got %+v, want HubSpot with the file's token and the defaults", w.CRMs[0])
			}
			if d := cmp.Diff(crm.Actions, w.Actions); d != "" {
				t.Errorf("actions (-want +got):\n%s", d)
			}
		}},
		{name: "SalesforceFromEnvWithSomeActions",
			args: []string{"--crm-writeback", "owner,task"},
			env:  map[string]string{"BATON_SALESFORCE_TOKEN": "00D!tok", "BATON_SALESFORCE_INSTANCE_URL": "https://acme.my.salesforce.com", "BATON_SALESFORCE_LINK_FIELD": "Handoff__c"},
			check: func(t *testing.T, w CRMWriteBack) {
				c, ok := w.CRMs[0].(*salesforce.Client)
				if !ok || c.InstanceURL != "https://acme.my.salesforce.com" || c.Token != "00D!tok" || c.APIVersion != salesforce.DefaultAPIVersion || c.LinkField != "Handoff__c" {
					t.Errorf("got %+v, want Salesforce from the environment", w.CRMs[0])
				}
				if d := cmp.Diff([]string{"owner", "task"}, w.config().Actions); d != "" {
					t.Errorf("actions (-want +got):\n%s", d)
				}
				if d := cmp.Diff([]string{crm.Salesforce}, w.config().Connectors); d != "" {
					t.Errorf("connectors (-want +got):\n%s", d)
				}
			}},
		{name: "LocalHTTPIsAllowedForATestDouble", env: map[string]string{"BATON_HUBSPOT_TOKEN": "pat", "BATON_HUBSPOT_API_URL": "http://127.0.0.1:9000"},
			check: func(t *testing.T, w CRMWriteBack) {
				if len(w.CRMs) != 1 {
					t.Errorf("got %d CRMs, want 1", len(w.CRMs))
				}
			}},
		{name: "RemoteHTTPIsRefused", env: map[string]string{"BATON_HUBSPOT_TOKEN": "pat-s3cret", "BATON_HUBSPOT_API_URL": "http://api.hubapi.com"}, wantErr: "https"},
		{name: "SalesforceTokenWithoutInstance", env: map[string]string{"BATON_SALESFORCE_TOKEN": "s3cret"}, wantErr: "--salesforce-instance-url"},
		{name: "SalesforceInstanceWithoutToken", args: []string{"--salesforce-instance-url", "https://acme.my.salesforce.com"}, wantErr: "without a token"},
		{name: "TokenTwice", args: []string{"--hubspot-token-file", tokenFile}, env: map[string]string{"BATON_HUBSPOT_TOKEN": "s3cret"}, wantErr: "use one"},
		{name: "UnknownAction", args: []string{"--crm-writeback", "owner,email"}, wantErr: "email"},
		{name: "BadAPIVersion", args: []string{"--salesforce-api-version", "62"},
			env: map[string]string{"BATON_SALESFORCE_TOKEN": "s3cret", "BATON_SALESFORCE_INSTANCE_URL": "https://acme.my.salesforce.com"}, wantErr: "version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			getenv := func(k string) string { return tt.env[k] }
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			f := addCRMFlags(fs, getenv)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			w, err := f.load(getenv)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error mentioning %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "s3cret") {
					t.Errorf("error %q repeats the token", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, w)
		})
	}
}

func TestServeRefusesCRMTokensOnArgv(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--hubspot-token", "pat-1"}, {"-salesforce-token=00D!x"}} {
		err := refuseCRMSecretFlags(args)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "BATON_") {
			t.Errorf("%v: got %v, want a usage error naming the environment variable", args, err)
		}
	}
	if err := refuseCRMSecretFlags([]string{"--hubspot-token-file", "f", "--", "--hubspot-token"}); err != nil {
		t.Errorf("got %v, want the file flag and args after -- accepted", err)
	}
}
