package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/sqlite"
)

func TestStartupPlaybook(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := batontest.OpenStore(t, filepath.Join(t.TempDir(), "baton.db"), sqlite.Options{})
	svc := service.New(db, baton.SystemClock{}, playbook.Default(), nil)
	log := slog.New(slog.DiscardHandler)
	admin := baton.Principal{UserID: "u1", Access: baton.AccessAdmin}

	t.Run("NothingPublishedKeepsTheDefault", func(t *testing.T) {
		if err := startupPlaybook(ctx, svc, "", log); err != nil {
			t.Fatal(err)
		}
		if list, _ := svc.PlaybookVersions(ctx); len(list) != 0 {
			t.Errorf("got %d versions, want none", len(list))
		}
	})
	renamed := strings.Replace(string(playbook.DefaultYAML()), "name: default", "name: published", 1)
	if _, err := svc.PublishPlaybook(ctx, admin, renamed, ""); err != nil {
		t.Fatal(err)
	}
	t.Run("LoadsTheNewestPublished", func(t *testing.T) {
		svc.SetPlaybook(playbook.Default()) // as a restart would
		if err := startupPlaybook(ctx, svc, "", log); err != nil {
			t.Fatal(err)
		}
		if got := svc.Playbook().Name; got != "published" {
			t.Errorf("got playbook %q in force, want the published one", got)
		}
	})
	t.Run("AFileWinsAndIsRecorded", func(t *testing.T) {
		svc.SetPlaybook(playbook.Default()) // what serve loaded from --playbook
		if err := startupPlaybook(ctx, svc, "default.yaml", log); err != nil {
			t.Fatal(err)
		}
		list, err := svc.PlaybookVersions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Note != "--playbook default.yaml" || list[0].AuthorID != "" || svc.Playbook().Name != "default" {
			t.Errorf("got %d versions, newest noted %q, %q in force; want the file recorded and in force", len(list), list[0].Note, svc.Playbook().Name)
		}
	})
}
