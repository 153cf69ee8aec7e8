package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"shequ/internal/platform/db"
	"shequ/internal/platform/db/dbtest"
)

// The two migration folders are written by hand, one per engine. This test
// migrates both and compares what the schema means: tables, columns with
// their type class and nullability, primary keys, unique constraints,
// indexes, foreign keys and triggers. Each fact is one line; the test
// reports the lines only one engine has.

// TestSchemasMatch needs PostgreSQL; CI sets SHEQU_TEST_POSTGRES.
func TestSchemasMatch(t *testing.T) {
	t.Parallel()
	if dbtest.PostgresURL() == "" {
		t.Skip("SHEQU_TEST_POSTGRES not set: no PostgreSQL schema to compare with")
	}
	ctx := context.Background()
	lite := openMigrated(t, db.Config{DataDir: t.TempDir()})
	pg := openMigrated(t, dbtest.Empty(t)) // it changes the schema below
	if lite.Dialect != db.SQLite || pg.Dialect != db.Postgres {
		t.Fatalf("dialects %s and %s", lite.Dialect, pg.Dialect)
	}
	a, err := sqliteFacts(ctx, lite.Q(ctx))
	if err != nil {
		t.Fatalf("SQLite schema: %v", err)
	}
	b, err := postgresFacts(ctx, pg.Q(ctx))
	if err != nil {
		t.Fatalf("PostgreSQL schema: %v", err)
	}
	if !slices.Contains(a, "table users") || !slices.Contains(b, "table users") {
		t.Fatalf("schema read found no users table:\nSQLite %q\nPostgreSQL %q", a, b)
	}
	onlyA, onlyB := difference(a, b), difference(b, a)
	for _, l := range onlyA {
		t.Errorf("only in SQLite:     %s", l)
	}
	for _, l := range onlyB {
		t.Errorf("only in PostgreSQL: %s", l)
	}
	if len(onlyA)+len(onlyB) == 0 {
		t.Logf("%d schema facts agree", len(a))
	}

	// The comparison itself must notice a drift: change the PostgreSQL copy.
	for _, s := range []string{
		`CREATE INDEX schema_test_extra ON settings(value)`,
		`ALTER TABLE job_leases ALTER COLUMN lease_until TYPE timestamp`,
		`ALTER TABLE settings ALTER COLUMN value DROP NOT NULL`,
	} {
		if _, err := pg.Writer().ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if b, err = postgresFacts(ctx, pg.Q(ctx)); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"column job_leases.lease_until unmapped(timestamp without time zone) null",
		"column settings.value text null",
		"index schema_test_extra on settings (value)",
	}
	if got := difference(b, a); len(onlyB) == 0 && !slices.Equal(got, want) {
		t.Errorf("after drifting PostgreSQL, only there: %q, want %q", got, want)
	}
}

func openMigrated(t *testing.T, cfg db.Config) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

// difference is the lines of a that b lacks.
func difference(a, b []string) []string {
	var out []string
	for _, l := range a {
		if !slices.Contains(b, l) {
			out = append(out, l)
		}
	}
	return out
}

// gooseTable is the migrations runner's own bookkeeping, not our schema.
const gooseTable = "goose_db_version"

var typeArgs = regexp.MustCompile(`\s*\(.*\)$`)

// typeClass maps a declared SQLite type or a PostgreSQL data_type to what it
// means to the application. Integer widths are one class: SQLite stores
// every integer in 8 bytes. PostgreSQL's timestamp without time zone is not
// a timestamp here, since times are stored in UTC and must stay so.
func typeClass(t string) string {
	t = strings.ToLower(strings.TrimSpace(typeArgs.ReplaceAllString(t, "")))
	switch t {
	case "text", "varchar", "character varying", "char", "character", "clob":
		return "text"
	case "integer", "int", "bigint", "smallint", "int2", "int4", "int8":
		return "integer"
	case "real", "double", "double precision", "float", "float4", "float8":
		return "real"
	case "boolean", "bool":
		return "boolean"
	case "timestamp", "timestamptz", "datetime", "timestamp with time zone":
		return "timestamp"
	case "blob", "bytea":
		return "blob"
	case "numeric", "decimal":
		return "numeric"
	case "date":
		return "date"
	case "json", "jsonb":
		return "json"
	}
	return "unmapped(" + t + ")"
}

func TestTypeClass(t *testing.T) {
	for in, want := range map[string]string{
		"TEXT":                        "text",
		"VARCHAR(50)":                 "text",
		"BIGINT":                      "integer",
		"SMALLINT":                    "integer",
		"INTEGER":                     "integer",
		"REAL":                        "real",
		"double precision":            "real",
		"TIMESTAMP":                   "timestamp",
		"timestamp with time zone":    "timestamp",
		"timestamp without time zone": "unmapped(timestamp without time zone)",
		"BOOLEAN":                     "boolean",
		"bytea":                       "blob",
		"":                            "unmapped()",
	} {
		if got := typeClass(in); got != want {
			t.Errorf("typeClass(%q) = %q, want %q", in, got, want)
		}
	}
}

func queryStrings(ctx context.Context, q db.Querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func nullable(notNull bool) string {
	if notNull {
		return "not null"
	}
	return "null"
}

func sqliteFacts(ctx context.Context, q db.Querier) ([]string, error) {
	tables, err := queryStrings(ctx, q, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> $1 ORDER BY name`, gooseTable)
	if err != nil {
		return nil, err
	}
	var facts []string
	for _, tb := range tables {
		facts = append(facts, "table "+tb)
		pk, err := sqliteColumns(ctx, q, tb, &facts)
		if err != nil {
			return nil, err
		}
		if err := sqliteIndexes(ctx, q, tb, pk, &facts); err != nil {
			return nil, err
		}
		if err := sqliteForeignKeys(ctx, q, tb, &facts); err != nil {
			return nil, err
		}
	}
	trig, err := queryStrings(ctx, q, `SELECT 'trigger ' || tbl_name || '.' || name FROM sqlite_master WHERE type = 'trigger'`)
	if err != nil {
		return nil, err
	}
	return append(facts, trig...), nil
}

// sqliteColumns adds the columns and primary key of tb and returns the key's columns.
func sqliteColumns(ctx context.Context, q db.Querier, tb string, facts *[]string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, type, "notnull", pk FROM pragma_table_info($1)`, tb)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	pk := map[int]string{}
	for rows.Next() {
		var name, typ string
		var notNull bool
		var pkPos int
		if err := rows.Scan(&name, &typ, &notNull, &pkPos); err != nil {
			return nil, err
		}
		if pkPos > 0 {
			pk[pkPos] = name
			// SQLite lets a non-INTEGER key column hold NULL unless it says
			// NOT NULL; our code never writes one, and PostgreSQL forbids it.
			notNull = true
		}
		*facts = append(*facts, fmt.Sprintf("column %s.%s %s %s", tb, name, typeClass(typ), nullable(notNull)))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var cols []string
	for i := 1; i <= len(pk); i++ {
		cols = append(cols, pk[i])
	}
	if len(cols) > 0 {
		*facts = append(*facts, fmt.Sprintf("primary key %s (%s)", tb, strings.Join(cols, ",")))
	}
	return cols, nil
}

func sqliteIndexes(ctx context.Context, q db.Querier, tb string, pk []string, facts *[]string) error {
	type index struct {
		name, origin    string
		unique, partial bool
	}
	rows, err := q.QueryContext(ctx, `SELECT name, "unique", origin, partial FROM pragma_index_list($1)`, tb)
	if err != nil {
		return err
	}
	var list []index
	for rows.Next() {
		var ix index
		if err := rows.Scan(&ix.name, &ix.unique, &ix.origin, &ix.partial); err != nil {
			rows.Close()
			return err
		}
		list = append(list, ix)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, ix := range list {
		cols, err := queryStrings(ctx, q, `SELECT coalesce(name, '<expr>') FROM pragma_index_info($1) ORDER BY seqno`, ix.name)
		if err != nil {
			return err
		}
		colList := strings.Join(cols, ",")
		switch ix.origin {
		case "pk":
			// Already stated as the primary key.
			if colList != strings.Join(pk, ",") {
				*facts = append(*facts, fmt.Sprintf("primary key index %s (%s) differs from key", tb, colList))
			}
		case "u":
			// A UNIQUE constraint: its index name is the engine's own.
			*facts = append(*facts, fmt.Sprintf("unique %s (%s)", tb, colList))
		default:
			*facts = append(*facts, indexFact(tb, ix.name, colList, ix.unique, ix.partial))
		}
	}
	return nil
}

func indexFact(tb, name, cols string, unique, partial bool) string {
	kind := "index"
	if unique {
		kind = "unique index"
	}
	if partial {
		kind = "partial " + kind
	}
	return fmt.Sprintf("%s %s on %s (%s)", kind, name, tb, cols)
}

func sqliteForeignKeys(ctx context.Context, q db.Querier, tb string, facts *[]string) error {
	rows, err := q.QueryContext(ctx, `SELECT id, "table", "from", "to", on_delete FROM pragma_foreign_key_list($1) ORDER BY id, seq`, tb)
	if err != nil {
		return err
	}
	type fk struct {
		ref, onDelete string
		from, to      []string
	}
	var order []int
	byID := map[int]*fk{}
	for rows.Next() {
		var id int
		var ref, from, onDelete string
		var to sql.NullString
		if err := rows.Scan(&id, &ref, &from, &to, &onDelete); err != nil {
			rows.Close()
			return err
		}
		f, ok := byID[id]
		if !ok {
			f = &fk{ref: ref, onDelete: onDelete}
			byID[id] = f
			order = append(order, id)
		}
		f.from = append(f.from, from)
		f.to = append(f.to, to.String)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range order {
		f := byID[id]
		if slices.Contains(f.to, "") {
			// REFERENCES t without columns means t's primary key.
			pk, err := queryStrings(ctx, q, `SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk`, f.ref)
			if err != nil {
				return err
			}
			f.to = pk
		}
		*facts = append(*facts, fkFact(tb, f.from, f.ref, f.to, f.onDelete))
	}
	return nil
}

func fkFact(tb string, from []string, ref string, to []string, onDelete string) string {
	return fmt.Sprintf("foreign key %s (%s) -> %s (%s) on delete %s", tb, strings.Join(from, ","), ref, strings.Join(to, ","), strings.ToLower(onDelete))
}

func postgresFacts(ctx context.Context, q db.Querier) ([]string, error) {
	tables, err := queryStrings(ctx, q, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> $1 ORDER BY table_name`, gooseTable)
	if err != nil {
		return nil, err
	}
	var facts []string
	for _, tb := range tables {
		facts = append(facts, "table "+tb)
		rows, err := q.QueryContext(ctx, `SELECT column_name, data_type, is_nullable = 'NO' FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, tb)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var name, typ string
			var notNull bool
			if err := rows.Scan(&name, &typ, &notNull); err != nil {
				rows.Close()
				return nil, err
			}
			facts = append(facts, fmt.Sprintf("column %s.%s %s %s", tb, name, typeClass(typ), nullable(notNull)))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if err := postgresIndexes(ctx, q, tb, &facts); err != nil {
			return nil, err
		}
		fks, err := postgresForeignKeys(ctx, q, tb)
		if err != nil {
			return nil, err
		}
		facts = append(facts, fks...)
	}
	trig, err := queryStrings(ctx, q, `SELECT DISTINCT 'trigger ' || event_object_table || '.' || trigger_name
		FROM information_schema.triggers WHERE trigger_schema = current_schema()`)
	if err != nil {
		return nil, err
	}
	return append(facts, trig...), nil
}

func postgresIndexes(ctx context.Context, q db.Querier, tb string, facts *[]string) error {
	rows, err := q.QueryContext(ctx, `
		SELECT i.relname, ix.indisunique, ix.indisprimary, ix.indpred IS NOT NULL,
		       EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid
		               AND c.conrelid = t.oid AND c.contype = 'u'),
		       (SELECT string_agg(coalesce(a.attname, '<expr>'), ',' ORDER BY k.ord)
		          FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
		          LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum)
		  FROM pg_index ix
		  JOIN pg_class i ON i.oid = ix.indexrelid
		  JOIN pg_class t ON t.oid = ix.indrelid
		  JOIN pg_namespace n ON n.oid = t.relnamespace
		 WHERE n.nspname = current_schema() AND t.relname = $1`, tb)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name, cols string
		var unique, primary, partial, constraint bool
		if err := rows.Scan(&name, &unique, &primary, &partial, &constraint, &cols); err != nil {
			return err
		}
		switch {
		case primary:
			*facts = append(*facts, fmt.Sprintf("primary key %s (%s)", tb, cols))
		case constraint:
			*facts = append(*facts, fmt.Sprintf("unique %s (%s)", tb, cols))
		default:
			*facts = append(*facts, indexFact(tb, name, cols, unique, partial))
		}
	}
	return rows.Err()
}

func postgresForeignKeys(ctx context.Context, q db.Querier, tb string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT rt.relname, c.confdeltype,
		       (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
		          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),
		       (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
		          JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum)
		  FROM pg_constraint c
		  JOIN pg_class t ON t.oid = c.conrelid
		  JOIN pg_class rt ON rt.oid = c.confrelid
		  JOIN pg_namespace n ON n.oid = t.relnamespace
		 WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname = $1`, tb)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	actions := map[string]string{"a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}
	var out []string
	for rows.Next() {
		var ref, del, from, to string
		if err := rows.Scan(&ref, &del, &from, &to); err != nil {
			return nil, err
		}
		out = append(out, fkFact(tb, strings.Split(from, ","), ref, strings.Split(to, ","), actions[del]))
	}
	return out, rows.Err()
}
