// Package rating is the service rating (好差评) that every rated subject
// shares: a resident account rates a subject (a kind registered by the
// application, and an id) on the national five levels of the 政务服务好差评
// system, once per subject and occasion, with a comment. A 差评 (不满意 or
// 非常不满意) opens a rectification (整改) owed by the subject's community,
// due DueDays calendar days later and closed by a staff reply, which the
// rater reads on the rating's page and is told of in their inbox.
package rating

import (
	"context"
	"strings"
	"time"

	"shequ/internal/platform/errs"
)

// The five levels.
const (
	VerySatisfied    = 5 // 非常满意
	Satisfied        = 4 // 满意
	Basically        = 3 // 基本满意
	Dissatisfied     = 2 // 不满意
	VeryDissatisfied = 1 // 非常不满意
)

// Bad is whether a level is a 差评, which opens a rectification.
func Bad(level int) bool { return level <= Dissatisfied }

// Good is whether a level is a 好评 (满意 or 非常满意).
func Good(level int) bool { return level >= Satisfied }

// DueDays is how many calendar days a community has to rectify a 差评
// (calendar days, not working days: simpler to read for the rater).
const DueDays = 15

// Rectification states.
const (
	None    = ""
	Open    = "open"
	Done    = "done"
	Overdue = "overdue" // a filter: open and past its day
)

const (
	maxComment  = 500
	maxReply    = 1000
	maxOccasion = 40
)

// Subject is what is rated: its kind and id, its name and the division
// (a community, or a township for a township's facility) that answers for
// it.
type Subject struct {
	Kind         string
	ID           int64
	Name         string
	DivisionCode string
}

// SubjectFunc resolves a subject of one kind by id; ENOTFOUND when there
// is none a resident may rate.
type SubjectFunc func(ctx context.Context, id int64) (Subject, error)

// Notifier puts a message in an account's inbox, in the writer's
// transaction (package notify, adapted in internal/app).
type Notifier interface {
	NotifyUser(ctx context.Context, userID int64, key string, args []string, object string, id int64, link string) error
}

// Rating is one rating. RaterID is shown to the rater only.
type Rating struct {
	ID            int64      `json:"id"`
	SubjectKind   string     `json:"subject_kind"`
	SubjectID     int64      `json:"subject_id"`
	SubjectName   string     `json:"subject_name"`
	DivisionCode  string     `json:"division_code"`
	DivisionName  string     `json:"division_name"`
	Occasion      string     `json:"occasion"`
	Level         int        `json:"level" doc:"5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意"`
	Comment       string     `json:"comment"`
	CreatedAt     time.Time  `json:"created_at"`
	Rectification string     `json:"rectification" doc:"empty (none), open or done"`
	DueOn         string     `json:"due_on"`
	Overdue       bool       `json:"overdue"`
	Reply         string     `json:"reply"`
	RepliedAt     *time.Time `json:"replied_at,omitempty"`
	RepliedBy     string     `json:"replied_by"`
	Mine          bool       `json:"mine" doc:"the caller gave it"`
	raterID       int64
}

// RateInput is a resident's rating.
type RateInput struct {
	Kind     string `json:"kind" doc:"facility, worker, …"`
	ID       int64  `json:"id"`
	Level    int    `json:"level" minimum:"1" maximum:"5"`
	Comment  string `json:"comment,omitempty" maxLength:"500"`
	Occasion string `json:"occasion,omitempty" maxLength:"40" doc:"what was rated when a subject is rated more than once (a visit, a case); empty: once"`
}

func (in *RateInput) check() errs.Fields {
	var f errs.Fields
	in.Kind, in.Comment, in.Occasion = strings.TrimSpace(in.Kind), strings.TrimSpace(in.Comment), strings.TrimSpace(in.Occasion)
	if in.Kind == "" {
		f.Add("kind", "error.required")
	}
	if in.ID <= 0 {
		f.Add("id", "error.required")
	}
	if in.Level < 1 || in.Level > 5 {
		f.Add("level", "rating.level_range")
	}
	if len([]rune(in.Comment)) > maxComment {
		f.Add("comment", "error.too_long", maxComment)
	}
	if Bad(in.Level) && in.Comment == "" {
		f.Add("comment", "rating.comment_required")
	}
	if len([]rune(in.Occasion)) > maxOccasion {
		f.Add("occasion", "error.too_long", maxOccasion)
	}
	return f
}

// Filter selects ratings for staff.
type Filter struct {
	Division      string
	Kind          string
	Level         int
	Rectification string // open, overdue, done
	Q             string // part of the subject's name
	Page, PerPage int
}

// RatingFigures are the ratings of an area.
type RatingFigures struct {
	Division string   `json:"division"`
	ByLevel  [6]int64 `json:"by_level" doc:"index 1 to 5: ratings of that level"`
	Total    int64    `json:"total"`
	// GoodShare is the share of 好评 (4 and 5), in per cent; 0 with none.
	GoodShare float64 `json:"good_share"`
	Open      int64   `json:"open" doc:"rectifications open, overdue included"`
	Overdue   int64   `json:"overdue"`
	Done      int64   `json:"done"`
}
