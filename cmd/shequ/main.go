// Command shequ is the whole platform: web UI, JSON API, background jobs
// and the operator's command line.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"shequ/internal/app"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

const usage = `shequ: the urban and rural community service platform

Usage:
  shequ serve   [--addr 127.0.0.1:8080] [--data DIR] [--db URL]   web UI, API and jobs
                [--tls-cert FILE --tls-key FILE]                 serve HTTPS (HSTS on)
                [--pprof 127.0.0.1:6060]                         Go profiler, loopback only
  shequ demo    [--addr 127.0.0.1:8080] [--data DIR]              build (first run) and serve the demo
  shequ migrate [--data DIR] [--db URL]                           bring the schema up to date
  shequ import divisions FILE.csv                                 import code,name,level,kind,parent_code
  shequ import persons FILE.xlsx                                  import people (the registry's template)
  shequ user add --name N --role ROLE --area CODE --password-stdin
  shequ user disable N | enable N | unlock N | reset-totp N | reset-password N [--password-stdin]
  shequ token create --user N [--expires 720h]                    print an API bearer token
  shequ token list [--user N]                                     API tokens: id, account, dates (never the secret)
  shequ token revoke ID                                           revoke an API token
  shequ backup --out FILE                                         consistent online copy (SQLite)
  shequ audit verify [--anchors FILE]                             check the audit log's hash chain
  shequ version

Every command takes --data DIR (default ./shequ-data) and --db URL (default
$SHEQU_DB; empty means SQLite at DIR/shequ.db, postgres://… means PostgreSQL).
Flags may stand before or after the other arguments; "--" ends them.
`

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel()})))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(os.Stderr, ue.Error())
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "shequ: "+describe(err))
		os.Exit(1)
	}
}

func logLevel() slog.Level {
	switch strings.ToLower(os.Getenv("SHEQU_LOG")) {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	}
	return slog.LevelInfo
}

type usageError string

func (u usageError) Error() string { return string(u) + "\n\n" + usage }

// describe says an error in the operator's language (SHEQU_LANG or LANG),
// with every bad field and row.
func describe(err error) string {
	var e *errs.Error
	if !errors.As(err, &e) || e.Code == errs.EINTERNAL {
		return err.Error()
	}
	lang := i18n.Normalize(os.Getenv("SHEQU_LANG") + "," + os.Getenv("LANG"))
	var sb strings.Builder
	sb.WriteString(i18n.ErrorMessage(lang, e))
	for _, f := range e.Fields {
		sb.WriteString("\n  " + i18n.FieldMessage(lang, f))
	}
	return sb.String()
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError("shequ: no command")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, false)
	case "demo":
		return cmdServe(ctx, rest, stdout, true)
	case "migrate":
		return cmdMigrate(ctx, rest, stdout)
	case "import":
		return cmdImport(ctx, rest, stdout, stderr)
	case "user":
		return cmdUser(ctx, rest, stdin, stdout)
	case "token":
		return cmdToken(ctx, rest, stdout)
	case "backup":
		return cmdBackup(ctx, rest, stdout)
	case "audit":
		return cmdAudit(ctx, rest, stdout)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "shequ", appVersion())
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError("shequ: unknown command " + cmd)
}

// common are the flags every command takes.
type common struct {
	data string
	db   string
	sms  app.SMSConfig // serve and demo only (smsFlags)
}

func flags(name string, c *common) *flag.FlagSet {
	fs := flag.NewFlagSet("shequ "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	def := os.Getenv("SHEQU_DATA")
	if def == "" {
		def = "./shequ-data"
	}
	fs.StringVar(&c.data, "data", def, "data directory (SQLite file, keys, demo accounts)")
	fs.StringVar(&c.db, "db", os.Getenv("SHEQU_DB"), "database URL: empty for SQLite, postgres://… for PostgreSQL")
	return fs
}

// parse reads a command's flags wherever they stand among its positional
// arguments, so "import divisions FILE --data DIR" is "import divisions
// --data DIR FILE" (the flag package alone stops at the first argument
// that is not a flag). A "--" ends the flags: what follows is positional
// even when it starts with "-". fs.Args() are the positional arguments,
// in order.
func parse(fs *flag.FlagSet, args []string) error {
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return usageError(fs.Name() + ": " + err.Error())
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			pos = append(pos, rest...) // the flag package stopped at "--" and dropped it
			break
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
	// Parsed again to leave fs.Args() the positional arguments alone.
	return fs.Parse(append([]string{"--"}, pos...))
}
