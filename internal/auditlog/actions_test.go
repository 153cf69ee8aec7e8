package auditlog

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/platform/i18n"
)

// concatActions expands the actions the code builds from a prefix and a
// value: each such "prefix" + x found in the source must be listed here.
var concatActions = map[string][]string{
	// request/actions.go: "request." + in.Action, the request's Act* steps.
	"request.": {"accept", "reply", "extend", "return", "dispatch", "supervise", "remind", "close", "callback", "rate", "appeal"},
	// proxy/service.go: "proxy.case." + t.Action, a case's steps.
	"proxy.case.": {"check", "submit", "done", "refuse", "close"},
	// account/service.go and cmd/shequ: "user." + account.Act* or the
	// CLI's subcommand, "-" made "_".
	"user.": {"unlock", "reset_totp", "reset_password", "disable", "enable"},
	// burden/admission.go: "burden.admission." + the decision's status.
	"burden.admission.": {"admitted", "refused"},
}

// writtenActions reads the program's source (internal/ and cmd/, tests
// left out) and returns every audit action it writes, with where. An
// audit.Entry's Action may be a string literal; a local variable given
// literals; a parameter of the enclosing function, whose callers in the
// package pass literals; or "prefix" + x, expanded by concatActions.
// Anything else is reported as unreadable, so that the list stays whole.
func writtenActions(t *testing.T) (actions map[string]string, unreadable []string) {
	t.Helper()
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	pkgs := map[string][]*ast.File{}
	for _, top := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, p, nil, 0)
			if err != nil {
				return err
			}
			pkgs[filepath.Dir(p)] = append(pkgs[filepath.Dir(p)], f)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	actions = map[string]string{}
	add := func(a string, pos token.Pos) {
		if _, ok := actions[a]; !ok {
			actions[a] = fset.Position(pos).String()
		}
	}
	lit := func(e ast.Expr) (string, bool) {
		if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
			s, err := strconv.Unquote(b.Value)
			return s, err == nil
		}
		return "", false
	}
	for _, files := range pkgs {
		type param struct {
			fn    string
			index int
		}
		var params []param
		for _, f := range files {
			for _, decl := range f.Decls {
				fd, ok := decl.(*ast.FuncDecl)
				if !ok || fd.Body == nil {
					continue
				}
				// action reads one action expression: a literal, a parameter
				// of fd (its callers are read below), or a local variable.
				action := func(e ast.Expr) {
					if vals, ok := values(e, lit); ok {
						for _, s := range vals {
							add(s, e.Pos())
						}
						return
					}
					if v, ok := e.(*ast.Ident); ok {
						if i := paramIndex(fd, v.Name); i >= 0 {
							params = append(params, param{fd.Name.Name, i})
							return
						}
						if vals := assigned(fd.Body, v.Name, lit); len(vals) > 0 {
							for _, s := range vals {
								add(s, v.Pos())
							}
							return
						}
					}
					unreadable = append(unreadable, fset.Position(e.Pos()).String())
				}
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					// audit.Log.Refused(ctx, action, …) writes an entry too.
					if call, ok := n.(*ast.CallExpr); ok {
						if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Refused" && len(call.Args) == 5 {
							action(call.Args[1])
						}
						return true
					}
					cl, ok := n.(*ast.CompositeLit)
					if !ok || !isAuditEntry(cl.Type) {
						return true
					}
					for _, el := range cl.Elts {
						kv, ok := el.(*ast.KeyValueExpr)
						if k, _ := kv.Key.(*ast.Ident); !ok || k == nil || k.Name != "Action" {
							continue
						}
						action(kv.Value)
					}
					return true
				})
			}
		}
		// Callers, in the same package, of the functions that take the action.
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				name := ""
				switch fn := call.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				for _, p := range params {
					if p.fn == name && p.index < len(call.Args) {
						if s, ok := lit(call.Args[p.index]); ok {
							add(s, call.Args[p.index].Pos())
						}
					}
				}
				return true
			})
		}
	}
	return actions, unreadable
}

// values is what an action expression can be: a literal, or "prefix" + x
// expanded by concatActions.
func values(e ast.Expr, lit func(ast.Expr) (string, bool)) ([]string, bool) {
	if s, ok := lit(e); ok {
		return []string{s}, true
	}
	if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.ADD {
		if p, ok := lit(b.X); ok && concatActions[p] != nil {
			var out []string
			for _, s := range concatActions[p] {
				out = append(out, p+s)
			}
			return out, true
		}
	}
	return nil, false
}

// isAuditEntry: audit.Entry (or Entry inside package audit).
func isAuditEntry(e ast.Expr) bool {
	switch t := e.(type) {
	case *ast.SelectorExpr:
		x, ok := t.X.(*ast.Ident)
		return ok && x.Name == "audit" && t.Sel.Name == "Entry"
	case *ast.Ident:
		return t.Name == "Entry"
	}
	return false
}

// paramIndex is the position of the parameter called name, or -1.
func paramIndex(fd *ast.FuncDecl, name string) int {
	i := 0
	for _, f := range fd.Type.Params.List {
		if len(f.Names) == 0 {
			i++
		}
		for _, n := range f.Names {
			if n.Name == name {
				return i
			}
			i++
		}
	}
	return -1
}

// assigned lists the values (see values) assigned to the variable name in body.
func assigned(body *ast.BlockStmt, name string, lit func(ast.Expr) (string, bool)) []string {
	var out []string
	ast.Inspect(body, func(n ast.Node) bool {
		a, ok := n.(*ast.AssignStmt)
		if !ok {
			return true
		}
		for i, l := range a.Lhs {
			if id, ok := l.(*ast.Ident); ok && id.Name == name && i < len(a.Rhs) {
				if vals, ok := values(a.Rhs[i], lit); ok {
					out = append(out, vals...)
				}
			}
		}
		return true
	})
	return out
}

// TestEveryAuditActionTranslated: every action the code writes to the
// audit log has a name in both languages for the auditor's screen.
func TestEveryAuditActionTranslated(t *testing.T) {
	actions, unreadable := writtenActions(t)
	for _, u := range unreadable {
		t.Errorf("%s: an audit action this test cannot read; write it as a literal, a variable or parameter given literals, or add its prefix to concatActions", u)
	}
	if len(actions) < 50 {
		t.Fatalf("found only %d audit actions in the source: the scan is broken", len(actions))
	}
	var missing []string
	for a, where := range actions {
		if _, ok := i18n.Lookup(actionKey(a)); !ok {
			missing = append(missing, a+"\t"+where)
		}
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Errorf("audit action without a name: %s", m)
	}
}
