package storage_test

import (
	"errors"
	"testing"
	"time"

	"concierge/storage"
	"concierge/storage/storagetest"
)

func TestResolveAndProgressNeedTheRightStaff(t *testing.T) {
	t.Parallel()
	s := storagetest.Store(t)
	ctx := storagetest.Context(t)
	now := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)
	o, err := s.UpsertOwner(ctx, 2001, 2001, "Mr Lee", "en")
	if err != nil {
		t.Fatal(err)
	}
	li, _ := s.AddStaff(ctx, 1, "小李", storage.RoleAgent, "zh-Hans")
	wang, _ := s.AddStaff(ctx, 2, "小王", storage.RoleAgent, "zh-Hans")
	boss, _ := s.AddStaff(ctx, 3, "张主管", storage.RoleSupervisor, "zh-Hans")
	open := func(kind string, update int64) storage.Ticket {
		tk, err := s.CreateTicket(ctx, storage.NewTicket{Kind: kind, Summary: "s", Body: "b", Lang: "en", OwnerID: o.ID,
			SourceUpdateID: update, Now: now, ClaimDue: time.Minute, SLA: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	repair, complaint, unclaimed := open(storage.KindRepair, 1), open(storage.KindComplaint, 2), open(storage.KindInquiry, 3)
	for _, tk := range []storage.Ticket{repair, complaint} {
		if _, err := s.ClaimTicket(ctx, tk.ID, li, now); err != nil {
			t.Fatal(err)
		}
	}
	inTx := func(fn func(*storage.Tx) error) error { return s.InTx(ctx, fn) }
	cases := []struct {
		name string
		run  func(*storage.Tx) error
		want error
	}{
		{"another agent cannot report progress", func(tx *storage.Tx) error {
			_, err := tx.ProgressTicket(ctx, repair.ID, wang, "x", now)
			return err
		}, storage.ErrNotAllowed},
		{"progress on an unclaimed ticket", func(tx *storage.Tx) error {
			_, err := tx.ProgressTicket(ctx, unclaimed.ID, boss, "x", now)
			return err
		}, storage.ErrNotAllowed},
		{"the assignee reports progress", func(tx *storage.Tx) error {
			tk, err := tx.ProgressTicket(ctx, repair.ID, li, "on the way", now)
			if err == nil && tk.Status != storage.StatusInProgress {
				t.Errorf("status %s after progress", tk.Status)
			}
			return err
		}, nil},
		{"another agent cannot resolve", func(tx *storage.Tx) error {
			_, err := tx.ResolveTicket(ctx, repair.ID, wang, storage.Resolution{Opinion: "done"}, now)
			return err
		}, storage.ErrNotAllowed},
		{"a complaint needs cause and action", func(tx *storage.Tx) error {
			_, err := tx.ResolveTicket(ctx, complaint.ID, li, storage.Resolution{Opinion: "done", Cause: "noise"}, now)
			return err
		}, storage.ErrNotAllowed},
		{"the assignee resolves a complaint", func(tx *storage.Tx) error {
			tk, err := tx.ResolveTicket(ctx, complaint.ID, li, storage.Resolution{Opinion: "settled", Cause: "noise", Action: "hours limited"}, now)
			if err == nil && (tk.Status != storage.StatusResolved || tk.Cause != "noise" || tk.CorrectiveAction != "hours limited" || tk.ResolvedAt == nil) {
				t.Errorf("resolved complaint %+v", tk)
			}
			return err
		}, nil},
		{"a supervisor resolves an unclaimed ticket and holds it", func(tx *storage.Tx) error {
			tk, err := tx.ResolveTicket(ctx, unclaimed.ID, boss, storage.Resolution{Opinion: "answered"}, now)
			if err == nil && (tk.AssigneeID == nil || *tk.AssigneeID != boss.ID) {
				t.Errorf("assignee %v, want the supervisor", tk.AssigneeID)
			}
			return err
		}, nil},
		{"a resolved ticket cannot be resolved again", func(tx *storage.Tx) error {
			_, err := tx.ResolveTicket(ctx, complaint.ID, li, storage.Resolution{Opinion: "again", Cause: "c", Action: "a"}, now)
			return err
		}, storage.ErrNotAllowed},
	}
	for _, c := range cases {
		if err := inTx(c.run); !errors.Is(err, c.want) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.want)
		}
	}
	evs, err := s.Events(ctx, complaint.ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := evs[len(evs)-1]; last.Kind != "resolved" || last.StaffID == nil || *last.StaffID != li.ID || last.Detail["cause"] != "noise" {
		t.Errorf("last complaint event %+v", last)
	}
}

func TestActiveStaffByName(t *testing.T) {
	t.Parallel()
	s := storagetest.Store(t)
	ctx := storagetest.Context(t)
	s.AddStaff(ctx, 1, "Amy", storage.RoleAgent, "en")
	s.AddStaff(ctx, 2, "Bob", storage.RoleAgent, "en")
	s.AddStaff(ctx, 3, "bob", storage.RoleTechnician, "en")
	s.AddStaff(ctx, 4, "Cat", storage.RoleAgent, "en")
	s.SetStaffActive(ctx, 4, false)
	cases := []struct {
		name string
		want error
	}{{"amy", nil}, {"Bob", storage.ErrDuplicate}, {"Cat", storage.ErrNotFound}, {"Dan", storage.ErrNotFound}}
	for _, c := range cases {
		got, err := s.ActiveStaffByName(ctx, c.name)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.want)
		}
		if c.want == nil && got.TelegramID != 1 {
			t.Errorf("%s: got %+v", c.name, got)
		}
	}
}
