package burden

import (
	"context"
	"io"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// IssueRoles decide and revoke proofs of the communities of their area:
// the community's workers first, and the offices above them.
var IssueRoles = auth.OfficeStaff()

// AskInput is a resident's request for a proof of the list.
type BurdenAskInput struct {
	ItemID   int64  `json:"item_id,omitempty" doc:"the item of the proof list; or item_name"`
	ItemName string `json:"item_name,omitempty" maxLength:"100"`
	Purpose  string `json:"purpose" maxLength:"200" doc:"what the proof is for"`
}

// Ask files a verified resident's request for a proof of the list that
// holds for their community. Anything not on the list is refused.
// Errors: EINVALID, EFORBIDDEN (not a verified resident).
func (s *Service) Ask(ctx context.Context, in BurdenAskInput) (*BurdenProof, error) {
	p, err := auth.Require(ctx, auth.Resident)
	if err != nil {
		return nil, err
	}
	community, name, verified, err := s.Residents.Resident(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	if !verified || community == "" {
		return nil, errs.E(errs.EFORBIDDEN, "burden.not_verified")
	}
	in.Purpose = strings.TrimSpace(in.Purpose)
	var bad errs.Fields
	text(&bad, "purpose", in.Purpose, 200, true)
	if in.ItemID <= 0 {
		text(&bad, "item_name", strings.TrimSpace(in.ItemName), maxName, true)
	}
	if len(bad) > 0 {
		return nil, bad.Err()
	}
	it, err := s.resolve(ctx, ListProof, community, in.ItemID, in.ItemName)
	if err != nil {
		return nil, err
	}
	if it == nil {
		return nil, errs.Invalid(errs.Field("item_name", "burden.proof_not_on_list", strings.TrimSpace(in.ItemName)))
	}
	cname, err := s.Store.divisionName(ctx, community)
	if err != nil {
		return nil, err
	}
	pr := &BurdenProof{ItemID: it.ID, ItemName: it.Name, Basis: it.Basis, CommunityCode: community, CommunityName: cname, UserID: p.UserID,
		HolderName: name, Purpose: in.Purpose, Status: Pending, RequestedAt: s.now()}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.insertProof(ctx, pr); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "burden.proof.ask", ObjectType: "burden_proof", ObjectID: itoa(pr.ID), Result: audit.OK,
			Detail: map[string]string{"item": it.Name, "community": community}})
	})
	if err != nil {
		return nil, err
	}
	return pr, nil
}

// Proofs lists proofs: a resident's own, or those of the communities of a
// staff member's area.
func (s *Service) Proofs(ctx context.Context, f ProofFilter) ([]BurdenProof, bool, error) {
	p, err := auth.Require(ctx, append(StaffRoles, auth.Resident)...)
	if err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	if p.Role == auth.Resident {
		f.userID = p.UserID
	} else if f.lo, f.hi, err = auth.Scope(ctx); err != nil {
		return nil, false, err
	}
	return s.Store.proofs(ctx, f)
}

// Proof reads a proof: the resident's own, or one of a community of a
// staff member's area. Errors: ENOTFOUND (also outside; audited), EFORBIDDEN.
func (s *Service) Proof(ctx context.Context, id int64) (*BurdenProof, error) {
	return s.proofFor(ctx, id, "burden.proof.read", append(StaffRoles, auth.Resident))
}

func (s *Service) proofFor(ctx context.Context, id int64, action string, roles []auth.Role) (*BurdenProof, error) {
	p, err := auth.Require(ctx, roles...)
	if err != nil {
		return nil, err
	}
	pr, err := s.Store.proof(ctx, id, "", false)
	if err != nil {
		return nil, err
	}
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	if p.Role == auth.Resident && pr.UserID != p.UserID || p.Role != auth.Resident && (pr.CommunityCode < lo || pr.CommunityCode > hi) {
		return nil, s.outside(ctx, action, "burden_proof", id, "burden.proof_not_found")
	}
	return pr, nil
}

// ProofDecision issues a proof (with its text) or refuses it (with a reason).
type BurdenProofDecision struct {
	Issue   bool   `json:"issue"`
	Content string `json:"content,omitempty" maxLength:"1000" doc:"the statement certified, required when issuing"`
	Reason  string `json:"refuse_reason,omitempty" maxLength:"500" doc:"required when refusing"`
}

// DecideProof issues (a number from the certificates' numbering) or
// refuses a pending proof of a community of the caller's area. An item
// no longer on the list cannot be issued. Errors: EINVALID, ENOTFOUND,
// ECONFLICT (decided), EFORBIDDEN.
func (s *Service) DecideProof(ctx context.Context, id int64, d BurdenProofDecision) (*BurdenProof, error) {
	p, err := auth.Require(ctx, IssueRoles...)
	if err != nil {
		return nil, err
	}
	if _, err := s.proofFor(ctx, id, "burden.proof.decide", IssueRoles); err != nil {
		return nil, err
	}
	d.Content, d.Reason = strings.TrimSpace(d.Content), strings.TrimSpace(d.Reason)
	var bad errs.Fields
	if d.Issue {
		text(&bad, "content", d.Content, 1000, true)
	} else {
		text(&bad, "refuse_reason", d.Reason, maxText, true)
	}
	if len(bad) > 0 {
		return nil, bad.Err()
	}
	var pr *BurdenProof
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if pr, err = s.Store.proof(ctx, id, "", true); err != nil {
			return err
		}
		if pr.Status != Pending {
			return errs.Conflict("burden.proof_decided")
		}
		at := s.now()
		pr.DecidedAt, pr.DecidedBy = &at, p.Name
		if d.Issue {
			it, err := s.resolve(ctx, ListProof, pr.CommunityCode, pr.ItemID, "")
			if err != nil {
				return err
			}
			if it == nil {
				return errs.Invalid(errs.Field("content", "burden.proof_not_on_list", pr.ItemName))
			}
			pr.Status, pr.Content, pr.Basis = Issued, d.Content, it.Basis
			if err := s.issue(ctx, pr); err != nil {
				return err
			}
		} else {
			pr.Status, pr.RefuseReason = Refused, d.Reason
			if err := s.Store.decideProof(ctx, pr); err != nil {
				return errs.Internal("burden.Service.DecideProof: update burden_proofs", err)
			}
		}
		action := "burden.proof.refuse"
		if d.Issue {
			action = "burden.proof.issue"
		}
		return s.Audit.Write(ctx, audit.Entry{Action: action,
			ObjectType: "burden_proof", ObjectID: itoa(pr.ID), Result: audit.OK, Detail: map[string]string{"number": pr.Number, "reason": pr.RefuseReason}})
	})
	if err != nil {
		return nil, err
	}
	return pr, nil
}

// issue draws a number (80 random bits; a clash draws again) and stores it.
func (s *Service) issue(ctx context.Context, pr *BurdenProof) error {
	var err error
	for try := 0; ; try++ {
		pr.Number = s.Printer.NewNumber()
		err = s.Store.decideProof(ctx, pr)
		if err == nil || !db.IsUniqueViolation(err) || try == 3 {
			break
		}
	}
	if err != nil {
		return errs.Internal("burden.Service.issue: update burden_proofs", err)
	}
	return nil
}

// RevokeProof withdraws an issued proof of a community of the caller's
// area, with a reason, audited. Errors: EINVALID, ENOTFOUND, ECONFLICT.
func (s *Service) RevokeProof(ctx context.Context, id int64, reason string) (*BurdenProof, error) {
	p, err := auth.Require(ctx, IssueRoles...)
	if err != nil {
		return nil, err
	}
	if _, err := s.proofFor(ctx, id, "burden.proof.revoke", IssueRoles); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	var bad errs.Fields
	text(&bad, "revoke_reason", reason, maxText, true)
	if len(bad) > 0 {
		return nil, bad.Err()
	}
	var pr *BurdenProof
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if pr, err = s.Store.proof(ctx, id, "", true); err != nil {
			return err
		}
		if pr.Status != Issued || pr.RevokedAt != nil {
			return errs.Conflict("burden.proof_not_revocable")
		}
		at := s.now()
		pr.RevokedAt, pr.RevokedBy, pr.RevokeReason = &at, p.Name, reason
		if err := s.Store.revokeProof(ctx, pr); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "burden.proof.revoke", ObjectType: "burden_proof", ObjectID: itoa(pr.ID), Result: audit.OK,
			Detail: map[string]string{"number": pr.Number, "reason": reason}})
	})
	if err != nil {
		return nil, err
	}
	return pr, nil
}

// PDF writes an issued proof the caller may read as a PDF whose QR code
// points at the public verification page under baseURL.
func (s *Service) PDF(ctx context.Context, id int64, baseURL string, w io.Writer) (*BurdenProof, error) {
	pr, err := s.Proof(ctx, id)
	if err != nil {
		return nil, err
	}
	if pr.Status != Issued {
		return nil, errs.NotFound("burden.proof_not_found", id)
	}
	d := &BurdenDocument{Title: pr.ItemName, Number: pr.Number, Basis: pr.Basis, Issuer: pr.CommunityName, IssuedAt: *pr.DecidedAt, RevokedAt: pr.RevokedAt,
		Paragraphs: []string{pr.Content, "特此证明。本证明用于：" + pr.Purpose + "。"}}
	return pr, s.Printer.PDF(w, d, s.Printer.VerifyURL(baseURL, pr.Number))
}

// VerifyNumber is the public check of an issued proof's number (no
// principal needed). Errors: ENOTFOUND.
func (s *Service) VerifyNumber(ctx context.Context, number string) (*BurdenProof, error) {
	n := s.Printer.NormalizeNumber(number)
	if n == "" {
		return nil, errs.NotFound("burden.proof_not_found", number)
	}
	return s.Store.proof(ctx, 0, n, false)
}

// SealInput logs a use of the caller's community's seal.
type BurdenSealInput struct {
	ItemID     int64  `json:"item_id,omitempty" doc:"the item of the seal list; or item_name"`
	ItemName   string `json:"item_name,omitempty" maxLength:"100"`
	What       string `json:"what" maxLength:"200" doc:"the document sealed"`
	ForWhom    string `json:"for_whom" maxLength:"100"`
	ApprovedBy string `json:"approved_by" maxLength:"50" doc:"who approved the use"`
	UsedOn     string `json:"used_on" doc:"YYYY-MM-DD, not after today"`
}

// LogSeal logs a use of the community seal on an item of the seal list
// that holds for the caller's community; a use outside the list is
// refused (and audited). Errors: EINVALID, EFORBIDDEN.
func (s *Service) LogSeal(ctx context.Context, in BurdenSealInput) (*BurdenSealUse, error) {
	sc, err := s.scope(ctx, CommunityRoles...)
	if err != nil {
		return nil, err
	}
	code := sc.p.Area.Code
	u := &BurdenSealUse{CommunityCode: code, What: strings.TrimSpace(in.What), ForWhom: strings.TrimSpace(in.ForWhom),
		ApprovedBy: strings.TrimSpace(in.ApprovedBy), UsedOn: in.UsedOn, LoggedBy: sc.p.Name, LoggedAt: s.now()}
	var bad errs.Fields
	if in.ItemID <= 0 {
		text(&bad, "item_name", strings.TrimSpace(in.ItemName), maxName, true)
	}
	text(&bad, "what", u.What, 200, true)
	text(&bad, "for_whom", u.ForWhom, maxName, true)
	text(&bad, "approved_by", u.ApprovedBy, 50, true)
	if _, err := time.Parse(DateLayout, u.UsedOn); err != nil {
		bad.Add("used_on", "burden.date_format")
	} else if u.UsedOn > today(s.Now()) {
		bad.Add("used_on", "burden.used_future")
	}
	if division.LevelFromCode(code) != division.Community {
		return nil, errs.Forbidden()
	}
	if len(bad) > 0 {
		return nil, bad.Err()
	}
	it, err := s.resolve(ctx, ListSeal, code, in.ItemID, in.ItemName)
	if err != nil {
		return nil, err
	}
	if it == nil {
		_ = s.Audit.Write(ctx, audit.Entry{Action: "burden.seal.log", ObjectType: "division", ObjectID: code, Result: audit.Denied,
			Detail: map[string]string{"item": in.ItemName, "what": u.What, "reason": "not_on_list"}})
		return nil, errs.Invalid(errs.Field("item_name", "burden.seal_not_on_list", strings.TrimSpace(in.ItemName)))
	}
	u.ItemID, u.ItemName = it.ID, it.Name
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.insertSealUse(ctx, u); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "burden.seal.log", ObjectType: "burden_seal_use", ObjectID: itoa(u.ID), Result: audit.OK,
			Detail: map[string]string{"item": it.Name, "what": u.What, "for": u.ForWhom, "approved_by": u.ApprovedBy}})
	})
	if err != nil {
		return nil, err
	}
	u.CommunityName, _ = s.Store.divisionName(ctx, code)
	return u, nil
}

// SealUses lists the seal uses of the communities of the caller's area.
func (s *Service) SealUses(ctx context.Context, p, perPage int) ([]BurdenSealUse, bool, error) {
	sc, err := s.scope(ctx, StaffRoles...)
	if err != nil {
		return nil, false, err
	}
	p, perPage = db.Paging(p, perPage)
	return s.Store.sealUses(ctx, sc.lo, sc.hi, p, perPage)
}
