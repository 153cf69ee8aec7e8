// Command pocketbase-bench runs PocketBase v0.36 with a "requests" collection
// equivalent to the fields shequ takes at intake, so that cmd/shequ-load can
// send the same POST load to both in one run (docs/performance.md). It lives
// in its own Go module so that the product's go.mod does not carry PocketBase.
//
//	go run . --dir /tmp/pb --addr 127.0.0.1:8090 --token-file /tmp/pb/token
//
// It writes a superuser token (valid one hour) to --token-file; creating a
// record needs it (the collection's create rule asks for an authenticated
// caller, as shequ's intake asks for a bearer token). Commits are durable
// like shequ's (synchronous=FULL) unless --sync normal is given, which is
// PocketBase's own default.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	_ "modernc.org/sqlite"
)

func main() {
	dir := flag.String("dir", "./pb_data", "data directory")
	addr := flag.String("addr", "127.0.0.1:8090", "listen address (loopback)")
	tokenFile := flag.String("token-file", "", "where to write a superuser token")
	sync := flag.String("sync", "full", "SQLite synchronous pragma: full (durable, like shequ) or normal (PocketBase's default)")
	flag.Parse()
	if !strings.HasPrefix(*addr, "127.") && !strings.HasPrefix(*addr, "localhost:") {
		log.Fatal("pocketbase-bench: loopback addresses only")
	}
	if *sync != "full" && *sync != "normal" {
		log.Fatal("pocketbase-bench: --sync is full or normal")
	}
	pragmas := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)&_pragma=synchronous(" + strings.ToUpper(*sync) + ")&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)"
	app := pocketbase.NewWithConfig(pocketbase.Config{
		DefaultDataDir:  *dir,
		HideStartBanner: true,
		DBConnect: func(path string) (*dbx.DB, error) {
			return dbx.Open("sqlite", path+pragmas)
		},
	})
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if err := setup(e.App, *tokenFile); err != nil {
			return err
		}
		return e.Next()
	})
	os.Args = []string{os.Args[0], "serve", "--http", *addr, "--dir", *dir}
	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}

// setup creates the collection and a superuser once, and writes a token.
func setup(app core.App, tokenFile string) error {
	if _, err := app.FindCollectionByNameOrId("requests"); err != nil {
		c := core.NewBaseCollection("requests")
		c.CreateRule = types.Pointer("@request.auth.id != ''")
		c.ViewRule = types.Pointer("@request.auth.id != ''")
		c.ListRule = types.Pointer("@request.auth.id != ''")
		c.Fields.Add(
			&core.TextField{Name: "number", Required: true, Max: 32},
			&core.TextField{Name: "category", Required: true, Max: 64},
			&core.TextField{Name: "description", Required: true, Max: 2000},
			&core.TextField{Name: "division", Required: true, Max: 12},
			&core.TextField{Name: "address", Max: 200},
			&core.TextField{Name: "contact", Max: 64},
			&core.TextField{Name: "status", Max: 16},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		c.AddIndex("idx_requests_number", true, "number", "")
		c.AddIndex("idx_requests_division", false, "division, created", "")
		if err := app.Save(c); err != nil {
			return fmt.Errorf("collection: %w", err)
		}
	}
	su, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, "bench@example.invalid")
	if err != nil {
		col, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
		if err != nil {
			return err
		}
		su = core.NewRecord(col)
		su.SetEmail("bench@example.invalid")
		su.SetPassword(fmt.Sprintf("bench-%d", time.Now().UnixNano()))
		if err := app.Save(su); err != nil {
			return fmt.Errorf("superuser: %w", err)
		}
	}
	tok, err := su.NewStaticAuthToken(time.Hour)
	if err != nil {
		return err
	}
	if tokenFile != "" {
		return os.WriteFile(tokenFile, []byte(tok), 0o600)
	}
	fmt.Println(tok)
	return nil
}
