package demo

import (
	"context"

	"shequ/internal/division"
	"shequ/internal/grid"
	"shequ/internal/platform/auth"
)

// grids splits the demo accounts' community into three grids, the first
// patrolled by the demo grid worker: one ended patrol with a note and a
// dispute resolved on the spot, which the figures count.
func (b *Builder) grids(ctx context.Context, code string) error {
	keys, err := b.ring(ctx)
	if err != nil {
		return err
	}
	gw, err := b.Users.ByName(ctx, "demo-grid-worker")
	if err != nil {
		return err
	}
	return SeedGrids(ctx, grid.NewService(b.DB, b.Audit, keys), code, gw.ID, gw.Name)
}

// SeedGrids writes the demo's grids at community code, the first with
// the grid worker (userID, login) who patrols it. ctx acts as the system.
func SeedGrids(ctx context.Context, s *grid.Service, code string, userID int64, login string) error {
	units := [][]grid.GridUnit{
		{{Kind: "building", Name: "1号楼", HeadName: "王秀兰", HeadPhone: "13831800201"}, {Kind: "building", Name: "2号楼", HeadName: "李建国", HeadPhone: "13831800202"}},
		{{Kind: "building", Name: "3号楼", HeadName: "张玉珍", HeadPhone: "13831800203"}, {Kind: "building", Name: "4号楼", HeadName: "刘志强"}},
		{{Kind: "building", Name: "5号楼", HeadName: "陈淑芬", HeadPhone: "13831800205"}},
	}
	var first int64
	for i, us := range units {
		in := grid.GridInput{CommunityCode: code, Number: i + 1, Name: []string{"第一网格", "第二网格", "第三网格"}[i], Units: us}
		if i == 0 {
			in.Workers = []string{login}
		}
		g, err := s.Create(ctx, in)
		if err != nil {
			return err
		}
		if i == 0 {
			first = g.ID
		}
	}
	worker := auth.With(ctx, &auth.Principal{UserID: userID, Name: login, Role: auth.GridWorker, Area: auth.AreaOf(code, division.Community)})
	p, err := s.Start(worker, first)
	if err != nil {
		return err
	}
	if err := s.AddNote(worker, p.ID, "1号楼、2号楼周边巡查，消防通道畅通。", nil); err != nil {
		return err
	}
	if _, err := s.AddEvent(worker, p.ID, grid.GridEventInput{Kind: "dispute", Description: "两户邻居因楼道堆放杂物发生口角。",
		Outcome: grid.Resolved, Resolution: "当场劝解，杂物已清理。"}, nil); err != nil {
		return err
	}
	return s.End(worker, p.ID)
}
