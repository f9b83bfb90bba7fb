package main

import (
	"flag"
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRetentionFlags(t *testing.T) {
	t.Parallel()
	const day = 24 * time.Hour
	for _, c := range []struct {
		name    string
		env     map[string]string
		args    []string
		want    RetentionConfig
		wantErr bool
	}{
		{name: "DefaultsToThirtyThirtyNinetyDays", want: RetentionConfig{Timers: 30 * day, Messages: 30 * day, SignalBodies: 90 * day}},
		{name: "FlagsOverrideTheEnvironment", env: map[string]string{"BATON_RETAIN_TIMERS": "7d", "BATON_RETAIN_MESSAGES": "2w"},
			args: []string{"--retain-timers", "12h", "--retain-signal-bodies", "0"},
			want: RetentionConfig{Timers: 12 * time.Hour, Messages: 14 * day}},
		{name: "ZeroKeepsForever", args: []string{"--retain-timers=0", "--retain-messages=0", "--retain-signal-bodies=0"}},
		{name: "RefusesAWindowUnderAnHour", args: []string{"--retain-messages", "5m"}, wantErr: true},
		{name: "RefusesABadEnvironmentValue", env: map[string]string{"BATON_RETAIN_SIGNAL_BODIES": "ninety days"}, wantErr: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			var got RetentionConfig
			envErr := retentionFlags(fs, &got, func(k string) string { return c.env[k] })
			err := fs.Parse(c.args)
			if err == nil {
				err = envErr()
			}
			if (err != nil) != c.wantErr {
				t.Fatalf("got error %v, want error %v", err, c.wantErr)
			}
			if c.wantErr {
				return
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}
