package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/batonhq/baton"
)

// CRMConnector returns a CRM connector's state, or ENOTFOUND when it has
// none (it was never broken).
func (tx *Tx) CRMConnector(ctx context.Context, name string) (*baton.CRMConnector, error) {
	var c baton.CRMConnector
	var broken int
	var brokenAt, fixedAt, updated int64
	err := tx.queryRow(ctx, `SELECT name, broken, reason, broken_at, fixed_at, fixed_by, updated_at FROM crm_connectors WHERE name = ?`, name).
		Scan(&c.Name, &broken, &c.Reason, &brokenAt, &fixedAt, &c.FixedBy, &updated)
	if err != nil {
		return nil, notFound(err, "CRM connector", name)
	}
	c.Broken = broken != 0
	c.BrokenAt, c.FixedAt, c.UpdatedAt = fromMS(brokenAt), fromMS(fixedAt), fromMS(updated)
	return &c, nil
}

// PutCRMConnector inserts or replaces a CRM connector's state.
func (tx *Tx) PutCRMConnector(ctx context.Context, c *baton.CRMConnector) error {
	broken := 0
	if c.Broken {
		broken = 1
	}
	_, err := tx.exec(ctx, `INSERT INTO crm_connectors (name, broken, reason, broken_at, fixed_at, fixed_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET broken = excluded.broken, reason = excluded.reason, broken_at = excluded.broken_at,
			fixed_at = excluded.fixed_at, fixed_by = excluded.fixed_by, updated_at = excluded.updated_at`,
		c.Name, broken, c.Reason, ms(c.BrokenAt), ms(c.FixedAt), c.FixedBy, ms(c.UpdatedAt))
	if err != nil {
		return fmt.Errorf("postgres: put CRM connector %s: %w", c.Name, err)
	}
	return nil
}

const crmDeliveryCols = `message_id, connector, action, record_id, remote_id, handoff_id, delivered_at`

func scanCRMDelivery(row scanner) (*baton.CRMDelivery, error) {
	var d baton.CRMDelivery
	var at int64
	if err := row.Scan(&d.MessageID, &d.Connector, &d.Action, &d.RecordID, &d.RemoteID, &d.HandoffID, &at); err != nil {
		return nil, err
	}
	d.DeliveredAt = fromMS(at)
	return &d, nil
}

// CRMDelivery returns what a message wrote to a CRM, or ENOTFOUND.
func (tx *Tx) CRMDelivery(ctx context.Context, messageID string) (*baton.CRMDelivery, error) {
	d, err := scanCRMDelivery(tx.queryRow(ctx, `SELECT `+crmDeliveryCols+` FROM crm_deliveries WHERE message_id = ?`, messageID))
	if err != nil {
		return nil, notFound(err, "CRM delivery of message", messageID)
	}
	return d, nil
}

// InsertCRMDelivery records a delivery; a second record of the same
// message keeps the first.
func (tx *Tx) InsertCRMDelivery(ctx context.Context, d *baton.CRMDelivery) error {
	_, err := tx.exec(ctx, `INSERT INTO crm_deliveries (`+crmDeliveryCols+`) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`,
		d.MessageID, d.Connector, d.Action, d.RecordID, d.RemoteID, d.HandoffID, ms(d.DeliveredAt))
	if err != nil {
		return fmt.Errorf("postgres: record CRM delivery of %s: %w", d.MessageID, err)
	}
	return nil
}

// CRMDeliveries lists a connector's newest deliveries, at most limit.
func (tx *Tx) CRMDeliveries(ctx context.Context, connector string, limit int) ([]*baton.CRMDelivery, error) {
	rows, err := tx.query(ctx, `SELECT `+crmDeliveryCols+` FROM crm_deliveries WHERE connector = ? ORDER BY delivered_at DESC, message_id DESC LIMIT ?`,
		connector, limit)
	out, err := collect(rows, err, scanCRMDelivery)
	if err != nil {
		return nil, fmt.Errorf("postgres: list CRM deliveries of %s: %w", connector, err)
	}
	return out, nil
}

// crmChannel is the condition on a connector's messages that the partial
// index messages_crm serves (its WHERE must appear in the query's).
const crmChannel = `substr(channel, 1, 4) = 'crm:' AND channel = ?`

// ReleaseCRMMessages makes every pending message of a CRM connector due at
// now (and unleased), returning how many.
func (tx *Tx) ReleaseCRMMessages(ctx context.Context, connector string, now time.Time) (int, error) {
	res, err := tx.exec(ctx, `UPDATE messages SET next_at = ?, lease_until = 0 WHERE `+crmChannel+` AND status = 'pending'`,
		ms(now), baton.CRMChannelPrefix+connector)
	if err != nil {
		return 0, fmt.Errorf("postgres: release %s messages: %w", connector, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("postgres: release %s messages: %w", connector, err)
	}
	return int(n), nil
}

// CRMMessageCounts counts a CRM connector's messages by status.
func (tx *Tx) CRMMessageCounts(ctx context.Context, connector string) (map[string]int, error) {
	rows, err := tx.query(ctx, `SELECT status, COUNT(*) FROM messages WHERE `+crmChannel+` GROUP BY status`, baton.CRMChannelPrefix+connector)
	if err != nil {
		return nil, fmt.Errorf("postgres: count %s messages: %w", connector, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, fmt.Errorf("postgres: count %s messages: %w", connector, err)
		}
		out[status] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: count %s messages: %w", connector, err)
	}
	return out, nil
}
