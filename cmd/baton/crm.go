package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/batonhq/baton/crm"
	"github.com/batonhq/baton/crm/hubspot"
	"github.com/batonhq/baton/crm/salesforce"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/worker"
)

// CRMWriteBack is the CRM write-back serve builds from its flags and
// environment: the configured CRMs (none when no token is set) and what is
// written to them.
type CRMWriteBack struct {
	CRMs    []crm.CRM
	Actions []string // --crm-writeback, BATON_CRM_WRITEBACK (default all)
	// Log receives what a delivery cannot report as its result.
	Log *slog.Logger
}

// crmFlags are serve's CRM flags. Tokens come from the environment or from
// files, never from argv.
type crmFlags struct {
	writeback                                     string
	hubspotTokenFile, hubspotURL, hubspotLink     string
	sfInstance, sfTokenFile, sfVersion, sfLinkFld string
}

// addCRMFlags registers the CRM flags on fs, their defaults read with
// getenv (os.Getenv in serve).
func addCRMFlags(fs *flag.FlagSet, getenv func(string) string) *crmFlags {
	or := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	f := &crmFlags{}
	fs.StringVar(&f.writeback, "crm-writeback", or("BATON_CRM_WRITEBACK", "all"), "what is written back to the CRM: a comma-separated list of owner, link, note, task; all or none (env BATON_CRM_WRITEBACK)")
	fs.StringVar(&f.hubspotTokenFile, "hubspot-token-file", getenv("BATON_HUBSPOT_TOKEN_FILE"), "file holding a HubSpot private app access token; or set BATON_HUBSPOT_TOKEN (never on the command line)")
	fs.StringVar(&f.hubspotURL, "hubspot-api-url", or("BATON_HUBSPOT_API_URL", hubspot.DefaultBaseURL), "HubSpot API root (env BATON_HUBSPOT_API_URL)")
	fs.StringVar(&f.hubspotLink, "hubspot-link-property", or("BATON_HUBSPOT_LINK_PROPERTY", hubspot.DefaultLinkProperty), "contact property that receives the handoff's link (env BATON_HUBSPOT_LINK_PROPERTY)")
	fs.StringVar(&f.sfInstance, "salesforce-instance-url", getenv("BATON_SALESFORCE_INSTANCE_URL"), "Salesforce org URL, e.g. https://acme.my.salesforce.com (env BATON_SALESFORCE_INSTANCE_URL)")
	fs.StringVar(&f.sfTokenFile, "salesforce-token-file", getenv("BATON_SALESFORCE_TOKEN_FILE"), "file holding a Salesforce OAuth access token; or set BATON_SALESFORCE_TOKEN (never on the command line)")
	fs.StringVar(&f.sfVersion, "salesforce-api-version", or("BATON_SALESFORCE_API_VERSION", salesforce.DefaultAPIVersion), "Salesforce REST API version (env BATON_SALESFORCE_API_VERSION)")
	fs.StringVar(&f.sfLinkFld, "salesforce-link-field", or("BATON_SALESFORCE_LINK_FIELD", salesforce.DefaultLinkField), "Lead and Contact field that receives the handoff's link (env BATON_SALESFORCE_LINK_FIELD)")
	return f
}

// crmSecretFlags maps flags that would carry a CRM token on the command
// line to where it goes instead.
var crmSecretFlags = map[string]string{
	"hubspot-token":    "set BATON_HUBSPOT_TOKEN in the environment or pass --hubspot-token-file FILE",
	"salesforce-token": "set BATON_SALESFORCE_TOKEN in the environment or pass --salesforce-token-file FILE",
}

// refuseCRMSecretFlags fails, saying how to pass the token instead, when
// args hold a CRM token flag.
func refuseCRMSecretFlags(args []string) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if how, ok := crmSecretFlags[name]; ok {
			return usageError{fmt.Sprintf("--%s is not accepted: a secret on the command line is visible to every user of the machine (ps); %s", name, how)}
		}
	}
	return nil
}

// load builds the write-back from the flags and getenv.
func (f *crmFlags) load(getenv func(string) string) (CRMWriteBack, error) {
	var out CRMWriteBack
	actions, err := crm.ParseActions(f.writeback)
	if err != nil {
		return out, usageError{"--crm-writeback: " + err.Error()}
	}
	out.Actions = actions
	hsToken, err := secret("BATON_HUBSPOT_TOKEN", getenv("BATON_HUBSPOT_TOKEN"), "--hubspot-token-file", f.hubspotTokenFile)
	if err != nil {
		return out, err
	}
	if hsToken != "" {
		if err := apiURL("--hubspot-api-url", f.hubspotURL); err != nil {
			return out, err
		}
		out.CRMs = append(out.CRMs, &hubspot.Client{Token: hsToken, BaseURL: f.hubspotURL, LinkProperty: f.hubspotLink, HTTPClient: &http.Client{}})
	}
	sfToken, err := secret("BATON_SALESFORCE_TOKEN", getenv("BATON_SALESFORCE_TOKEN"), "--salesforce-token-file", f.sfTokenFile)
	if err != nil {
		return out, err
	}
	switch {
	case sfToken != "" && f.sfInstance == "":
		return out, usageError{"a Salesforce token is set without --salesforce-instance-url (BATON_SALESFORCE_INSTANCE_URL)"}
	case sfToken == "" && f.sfInstance != "":
		return out, usageError{"--salesforce-instance-url is set without a token: set BATON_SALESFORCE_TOKEN or pass --salesforce-token-file FILE"}
	case sfToken != "":
		if err := apiURL("--salesforce-instance-url", f.sfInstance); err != nil {
			return out, err
		}
		if !strings.HasPrefix(f.sfVersion, "v") || !strings.Contains(f.sfVersion, ".") {
			return out, usageError{fmt.Sprintf("--salesforce-api-version %q is not a version such as %s", f.sfVersion, salesforce.DefaultAPIVersion)}
		}
		out.CRMs = append(out.CRMs, &salesforce.Client{InstanceURL: f.sfInstance, Token: sfToken, APIVersion: f.sfVersion, LinkField: f.sfLinkFld, HTTPClient: &http.Client{}})
	}
	return out, nil
}

// apiURL checks a CRM's URL: https, or http to this machine (a local
// test double).
func apiURL(flagName, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return usageError{fmt.Sprintf("%s %q is not an absolute URL", flagName, raw)}
	}
	if u.Scheme == "https" {
		return nil
	}
	if ip := net.ParseIP(u.Hostname()); u.Scheme == "http" && (u.Hostname() == "localhost" || ip != nil && ip.IsLoopback()) {
		return nil
	}
	return usageError{fmt.Sprintf("%s must be an https URL", flagName)}
}

// config is what the service writes back and to which connectors.
func (w CRMWriteBack) config() service.CRMConfig {
	var c service.CRMConfig
	for _, x := range w.CRMs {
		c.Connectors = append(c.Connectors, x.Name())
	}
	c.Actions = w.Actions
	return c
}

// deliverers adds each CRM's deliverer, on its channel, to out.
func (w CRMWriteBack) deliverers(svc *service.Service, out map[string]worker.Deliverer) {
	for _, x := range w.CRMs {
		out[crm.Channel(x.Name())] = &crm.Deliverer{CRM: x, Ledger: svc, Log: w.Log}
	}
}

// logConfigured says which CRMs are written to, without tokens.
func (w CRMWriteBack) logConfigured(log *slog.Logger) {
	for _, x := range w.CRMs {
		log.Info("crm write-back configured", "crm", x.Name(), "writes", strings.Join(w.Actions, ","))
	}
}
