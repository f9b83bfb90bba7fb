package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/batonhq/baton"
)

const accountCols = `id, name, domain, aliases, segment, employees, industry, country, region, status, owner_id, csm_id, opportunity_owner_id, created_at, updated_at, renewal_date`

func scanAccount(row scanner) (*baton.Account, error) {
	var a baton.Account
	var domain *string
	var aliases string
	var created, updated int64
	if err := row.Scan(&a.ID, &a.Name, &domain, &aliases, &a.Segment, &a.Employees, &a.Industry, &a.Country, &a.Region,
		&a.Status, &a.OwnerID, &a.CSMID, &a.OpportunityOwnerID, &created, &updated, &a.RenewalDate); err != nil {
		return nil, err
	}
	if domain != nil {
		a.Domain = *domain
	}
	if err := json.Unmarshal([]byte(aliases), &a.Aliases); err != nil {
		return nil, fmt.Errorf("decode aliases: %w", err)
	}
	a.CreatedAt, a.UpdatedAt = fromMS(created), fromMS(updated)
	return &a, nil
}

// Account finds an account by id.
func (tx *Tx) Account(ctx context.Context, id string) (*baton.Account, error) {
	a, err := scanAccount(tx.queryRow(ctx, `SELECT `+accountCols+` FROM accounts WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "account", id)
	}
	return a, nil
}

// AccountByDomain finds an account by its primary domain.
func (tx *Tx) AccountByDomain(ctx context.Context, domain string) (*baton.Account, error) {
	a, err := scanAccount(tx.queryRow(ctx, `SELECT `+accountCols+` FROM accounts WHERE domain = ?`, domain))
	if err != nil {
		return nil, notFound(err, "account with domain", domain)
	}
	return a, nil
}

// Accounts lists accounts by name, at most limit.
func (tx *Tx) Accounts(ctx context.Context, limit int) ([]*baton.Account, error) {
	rows, err := tx.query(ctx, `SELECT `+accountCols+` FROM accounts ORDER BY name, id LIMIT ?`, limit)
	out, err := collect(rows, err, scanAccount)
	if err != nil {
		return nil, fmt.Errorf("postgres: list accounts: %w", err)
	}
	return out, nil
}

// PutAccount inserts or replaces an account.
func (tx *Tx) PutAccount(ctx context.Context, a *baton.Account) error {
	var domain *string
	if a.Domain != "" {
		domain = &a.Domain
	}
	aliases := a.Aliases
	if aliases == nil {
		aliases = []string{}
	}
	_, err := tx.execUnique(ctx, `INSERT INTO accounts (`+accountCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, domain = excluded.domain, aliases = excluded.aliases,
		segment = excluded.segment, employees = excluded.employees, industry = excluded.industry, country = excluded.country,
		region = excluded.region, status = excluded.status, owner_id = excluded.owner_id, csm_id = excluded.csm_id,
		opportunity_owner_id = excluded.opportunity_owner_id, updated_at = excluded.updated_at, renewal_date = excluded.renewal_date`,
		a.ID, a.Name, domain, jsonText(aliases), a.Segment, a.Employees, a.Industry, a.Country, a.Region, a.Status,
		a.OwnerID, a.CSMID, a.OpportunityOwnerID, ms(a.CreatedAt), ms(a.UpdatedAt), a.RenewalDate)
	if isUnique(err) {
		return &baton.Error{Code: baton.ECONFLICT, Message: "domain already belongs to another account", Fields: []baton.FieldError{{Field: "domain", Message: "belongs to another account"}}}
	} else if err != nil {
		return fmt.Errorf("postgres: put account %s: %w", a.ID, err)
	}
	// Keep the domain index (primary domain and aliases) in step.
	if _, err := tx.exec(ctx, `DELETE FROM account_domains WHERE account_id = ?`, a.ID); err != nil {
		return fmt.Errorf("postgres: put account %s domains: %w", a.ID, err)
	}
	for _, d := range append([]string{a.Domain}, a.Aliases...) {
		if d == "" {
			continue
		}
		_, err := tx.execUnique(ctx, `INSERT INTO account_domains (domain, account_id) VALUES (?, ?)`, d, a.ID)
		if isUnique(err) {
			return &baton.Error{Code: baton.ECONFLICT, Message: fmt.Sprintf("domain %s already belongs to another account", d),
				Fields: []baton.FieldError{{Field: "aliases", Message: d + " belongs to another account"}}}
		} else if err != nil {
			return fmt.Errorf("postgres: put account %s domains: %w", a.ID, err)
		}
	}
	return nil
}

// AccountIDByDomain finds the account owning a domain, primary or alias.
func (tx *Tx) AccountIDByDomain(ctx context.Context, domain string) (string, error) {
	var id string
	if err := tx.queryRow(ctx, `SELECT account_id FROM account_domains WHERE domain = ?`, domain).Scan(&id); err != nil {
		return "", notFound(err, "account with domain", domain)
	}
	return id, nil
}

// AccountForDomain finds the account owning a domain, primary or alias, in
// one statement.
func (tx *Tx) AccountForDomain(ctx context.Context, domain string) (*baton.Account, error) {
	a, err := scanAccount(tx.queryRow(ctx, `SELECT `+accountColsA+` FROM account_domains d JOIN accounts a ON a.id = d.account_id WHERE d.domain = ?`, domain))
	if err != nil {
		return nil, notFound(err, "account with domain", domain)
	}
	return a, nil
}

// accountColsA is accountCols qualified by the table alias a.
const accountColsA = `a.id, a.name, a.domain, a.aliases, a.segment, a.employees, a.industry, a.country, a.region, a.status, a.owner_id,
	a.csm_id, a.opportunity_owner_id, a.created_at, a.updated_at, a.renewal_date`

const contactCols = `id, account_id, email, name, title, phone, timezone, created_at, updated_at`

// contactSelect reads a contact with what the store alone writes.
const contactSelect = contactCols + `, bounced_at`

func scanContact(row scanner) (*baton.Contact, error) {
	var c baton.Contact
	var created, updated, bounced int64
	if err := row.Scan(&c.ID, &c.AccountID, &c.Email, &c.Name, &c.Title, &c.Phone, &c.TimeZone, &created, &updated, &bounced); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt, c.BouncedAt = fromMS(created), fromMS(updated), fromMS(bounced)
	return &c, nil
}

// Contact finds a contact by id.
func (tx *Tx) Contact(ctx context.Context, id string) (*baton.Contact, error) {
	c, err := scanContact(tx.queryRow(ctx, `SELECT `+contactSelect+` FROM contacts WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "contact", id)
	}
	return c, nil
}

// ContactByEmail finds a contact by email.
func (tx *Tx) ContactByEmail(ctx context.Context, email string) (*baton.Contact, error) {
	c, err := scanContact(tx.queryRow(ctx, `SELECT `+contactSelect+` FROM contacts WHERE email = ?`, email))
	if err != nil {
		return nil, notFound(err, "contact", email)
	}
	return c, nil
}

// PutContact inserts or replaces a contact.
func (tx *Tx) PutContact(ctx context.Context, c *baton.Contact) error {
	_, err := tx.exec(ctx, `INSERT INTO contacts (`+contactCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, email = excluded.email, name = excluded.name,
		title = excluded.title, phone = excluded.phone, timezone = excluded.timezone, updated_at = excluded.updated_at`,
		c.ID, c.AccountID, c.Email, c.Name, c.Title, c.Phone, c.TimeZone, ms(c.CreatedAt), ms(c.UpdatedAt))
	if err != nil {
		return fmt.Errorf("postgres: put contact %s: %w", c.ID, err)
	}
	return nil
}
