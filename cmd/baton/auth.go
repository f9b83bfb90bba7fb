package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/demo"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/web"
)

// AuthConfig is how people sign in: session limits and, optionally, single
// sign-on with an OpenID Connect provider. The client secret is read from
// BATON_OIDC_CLIENT_SECRET or a file, never from the command line.
type AuthConfig struct {
	SessionIdle, SessionMax time.Duration
	OIDCIssuer              string // BATON_OIDC_ISSUER
	OIDCClientID            string // BATON_OIDC_CLIENT_ID
	OIDCSecretFile          string // BATON_OIDC_CLIENT_SECRET_FILE
	OIDCName                string // label of the sign-in button (BATON_OIDC_NAME)
	OIDCClientSecret        string
}

func authFlags(fs *flag.FlagSet, c *AuthConfig) {
	fs.DurationVar(&c.SessionIdle, "session-idle", envDuration("BATON_SESSION_IDLE", baton.DefaultIdleTimeout), "sign a browser out after this long without a request (env BATON_SESSION_IDLE)")
	fs.DurationVar(&c.SessionMax, "session-max", envDuration("BATON_SESSION_MAX", baton.DefaultMaxSessionAge), "sign a browser out this long after sign-in (env BATON_SESSION_MAX)")
	fs.StringVar(&c.OIDCIssuer, "oidc-issuer", env("BATON_OIDC_ISSUER", ""), "OpenID Connect issuer URL for single sign-on (env BATON_OIDC_ISSUER)")
	fs.StringVar(&c.OIDCClientID, "oidc-client-id", env("BATON_OIDC_CLIENT_ID", ""), "OpenID Connect client id (env BATON_OIDC_CLIENT_ID)")
	fs.StringVar(&c.OIDCSecretFile, "oidc-client-secret-file", env("BATON_OIDC_CLIENT_SECRET_FILE", ""), "file holding the OpenID Connect client secret; or set BATON_OIDC_CLIENT_SECRET")
	fs.StringVar(&c.OIDCName, "oidc-name", env("BATON_OIDC_NAME", ""), "label of the single sign-on button, e.g. Google (env BATON_OIDC_NAME)")
}

func envDuration(key string, def time.Duration) time.Duration {
	if d, err := baton.ParseDuration(os.Getenv(key)); err == nil && d > 0 {
		return d
	}
	return def
}

// load reads the client secret and checks the settings belong together.
func (c *AuthConfig) load() error {
	c.OIDCClientSecret = os.Getenv("BATON_OIDC_CLIENT_SECRET")
	if c.OIDCSecretFile != "" {
		b, err := os.ReadFile(c.OIDCSecretFile)
		if err != nil {
			return fmt.Errorf("oidc client secret: %w", err)
		}
		c.OIDCClientSecret = strings.TrimSpace(string(b))
	}
	if c.OIDCIssuer != "" && (c.OIDCClientID == "" || c.OIDCClientSecret == "") {
		return usageError{"--oidc-issuer needs --oidc-client-id and a client secret (BATON_OIDC_CLIENT_SECRET or --oidc-client-secret-file)"}
	}
	return nil
}

// startAuth enables single sign-on when configured and, for the demo,
// prints a one-time sign-in link for the demo admin and the demo accounts.
func startAuth(ctx context.Context, cfg Config, svc *service.Service, srv *web.Server, stdout io.Writer) error {
	if cfg.Auth.OIDCIssuer != "" {
		if err := srv.EnableOIDC(ctx, web.OIDCConfig{Issuer: cfg.Auth.OIDCIssuer, ClientID: cfg.Auth.OIDCClientID,
			ClientSecret: cfg.Auth.OIDCClientSecret, Name: cfg.Auth.OIDCName}); err != nil {
			return err
		}
	}
	if !cfg.Demo {
		return nil
	}
	link, _, err := svc.CreateLink(ctx, demo.Admin, baton.LinkSignIn)
	if err != nil {
		return fmt.Errorf("demo sign-in link: %w", err)
	}
	fmt.Fprintf(stdout, "demo: sign in as the RevOps admin (%s) with this one-time link, valid %s:\n  %s\n", demo.Admin, baton.SignInTTL, link)
	fmt.Fprintf(stdout, "demo: or sign in at %s/login with any demo user and the password %q:\n", svc.PublicURL(), demo.Password)
	users, err := svc.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		fmt.Fprintf(stdout, "  %-32s %-8s %s\n", u.Email, u.Access, u.Name)
	}
	return nil
}
