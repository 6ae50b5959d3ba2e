package storage

import (
	"context"
	"fmt"
	"time"
)

// Staff roles.
const (
	RoleAgent      = "agent"
	RoleSupervisor = "supervisor"
	RoleTechnician = "technician"
)

// Staff is a registered member of the service centre.
type Staff struct {
	ID         int64     `db:"id"`
	TelegramID int64     `db:"telegram_id"`
	Name       string    `db:"name"`
	Role       string    `db:"role"`
	Active     bool      `db:"active"`
	Lang       string    `db:"lang"`
	CreatedAt  time.Time `db:"created_at"`
}

const staffColumns = `id, telegram_id, name, role, active, lang, created_at`

// AddStaff registers a staff member, or updates name and role and
// re-activates one already registered under this Telegram id.
func (q *Queries) AddStaff(ctx context.Context, telegramID int64, name, role, lang string) (Staff, error) {
	const ups = `
		INSERT INTO staff (telegram_id, name, role, lang) VALUES ($1, $2, $3, $4)
		ON CONFLICT (telegram_id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, active = true
		RETURNING ` + staffColumns
	var s Staff
	if err := q.db.GetContext(ctx, &s, ups, telegramID, name, role, lang); err != nil {
		return Staff{}, fmt.Errorf("add staff: %w", err)
	}
	return s, nil
}

// SetStaffActive enables or disables a staff member; ErrNotFound if unknown.
func (q *Queries) SetStaffActive(ctx context.Context, telegramID int64, active bool) error {
	res, err := q.db.ExecContext(ctx, `UPDATE staff SET active = $2 WHERE telegram_id = $1`, telegramID, active)
	if err != nil {
		return fmt.Errorf("set staff active: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ListStaff returns every staff member, active first, by name.
func (q *Queries) ListStaff(ctx context.Context) ([]Staff, error) {
	var ss []Staff
	if err := q.db.SelectContext(ctx, &ss, `SELECT `+staffColumns+` FROM staff ORDER BY active DESC, role, name`); err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	return ss, nil
}

// ActiveStaffByTelegram returns the active staff member with this Telegram
// id, or ErrNotFound (unknown or disabled).
func (q *Queries) ActiveStaffByTelegram(ctx context.Context, telegramID int64) (Staff, error) {
	var s Staff
	err := q.db.GetContext(ctx, &s, `SELECT `+staffColumns+` FROM staff WHERE telegram_id = $1 AND active`, telegramID)
	if err != nil {
		return Staff{}, fmt.Errorf("staff %d: %w", telegramID, mapErr(err))
	}
	return s, nil
}

// StaffByID returns the staff member with this id, or ErrNotFound.
func (q *Queries) StaffByID(ctx context.Context, id int64) (Staff, error) {
	var s Staff
	if err := q.db.GetContext(ctx, &s, `SELECT `+staffColumns+` FROM staff WHERE id = $1`, id); err != nil {
		return Staff{}, fmt.Errorf("staff #%d: %w", id, mapErr(err))
	}
	return s, nil
}

// Supervisors returns the active supervisors.
func (q *Queries) Supervisors(ctx context.Context) ([]Staff, error) {
	var ss []Staff
	if err := q.db.SelectContext(ctx, &ss, `SELECT `+staffColumns+` FROM staff WHERE active AND role = 'supervisor' ORDER BY id`); err != nil {
		return nil, fmt.Errorf("supervisors: %w", err)
	}
	return ss, nil
}
