package baton

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Roles of revenue-team users.
const (
	RoleSDR     = "sdr" // setter / sales development
	RoleAE      = "ae"
	RoleSE      = "se"
	RoleCSM     = "csm"
	RoleAM      = "am"
	RoleManager = "manager"
	RoleOps     = "ops"
	RoleAdmin   = "admin"
)

// UserRoles lists the valid user roles.
var UserRoles = []string{RoleSDR, RoleAE, RoleSE, RoleCSM, RoleAM, RoleManager, RoleOps, RoleAdmin}

// User is someone on the revenue team who can own handoffs.
type User struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
	// Access is what the person may do in Baton: admin (RevOps), manager or
	// rep. Empty reads as the team role's default (AccessFor).
	Access    string `json:"access"`
	Team      string `json:"team"`
	Territory string `json:"territory,omitempty"`
	TimeZone  string `json:"timezone"`
	ManagerID string `json:"manager_id,omitempty"`
	BackupID  string `json:"backup_id,omitempty"`
	// Capacity caps the user's open handoffs; 0 means no cap.
	Capacity int `json:"capacity,omitempty"`
	// Weight is the user's share in weighted distribution; 0 reads as 1.
	Weight int `json:"weight,omitempty"`
	// DailyCap and MonthlyCap cap assignments per UTC day and per 30 days;
	// 0 means no cap.
	DailyCap   int `json:"daily_cap,omitempty"`
	MonthlyCap int `json:"monthly_cap,omitempty"`
	// WorkingHours is the user's week in their own time zone, e.g.
	// "mon-fri 09:00-12:30,13:30-17:30"; empty means mon-fri 09:00-17:00.
	WorkingHours string `json:"working_hours,omitempty"`
	// Paused users keep their handoffs but receive no new ones.
	Paused bool `json:"paused,omitempty"`
	// AwayFrom and AwayUntil bound an out-of-office window; zero means none.
	AwayFrom  time.Time `json:"away_from,omitzero"`
	AwayUntil time.Time `json:"away_until,omitzero"`
	// Channels are where the person wants notifications (ChannelEmail,
	// ChannelSlack, ChannelWebhook), in any order; empty accepts whatever
	// the playbook and the message's urgency choose.
	Channels ChannelSet `json:"channels,omitempty"`
	// SlackID is the person's Slack member id (U…), where Slack messages
	// go as direct messages; empty means no Slack.
	SlackID   string    `json:"slack_id,omitempty"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Away reports whether the user is out of office at t.
func (u *User) Away(t time.Time) bool {
	if u.AwayUntil.IsZero() {
		return false
	}
	return !t.Before(u.AwayFrom) && t.Before(u.AwayUntil)
}

// Validate checks a user as received from outside.
func (u *User) Validate() error {
	var v Validation
	u.Email = lowerEmail(u.Email)
	if !ValidEmail(u.Email) {
		v.Add("email", "is not a valid email address")
	}
	if strings.TrimSpace(u.Name) == "" {
		v.Add("name", "is required")
	}
	checkText(&v, "name", u.Name, MaxShortText)
	if !slices.Contains(UserRoles, u.Role) {
		v.Add("role", "must be one of %s", strings.Join(UserRoles, ", "))
	}
	if u.Access != "" && !ValidAccess(u.Access) {
		v.Add("access", "must be one of %s", accessList())
	}
	if !ValidName(u.Team) {
		v.Add("team", "must be lowercase letters, digits and underscores")
	}
	checkText(&v, "territory", u.Territory, 60)
	checkText(&v, "working_hours", u.WorkingHours, MaxShortText)
	if !ValidTimeZone(u.TimeZone) {
		v.Add("timezone", "is not an IANA time zone")
	}
	if u.Capacity < 0 || u.Capacity > 100_000 {
		v.Add("capacity", "must be between 0 and 100000")
	}
	if u.Weight < 0 || u.Weight > 100 {
		v.Add("weight", "must be between 0 and 100")
	}
	if u.DailyCap < 0 || u.DailyCap > 100_000 {
		v.Add("daily_cap", "must be between 0 and 100000")
	}
	if u.MonthlyCap < 0 || u.MonthlyCap > 1_000_000 {
		v.Add("monthly_cap", "must be between 0 and 1000000")
	}
	for _, c := range u.Channels {
		if !slices.Contains(NotifyChannels, c) {
			v.Add("channels", "%q is not a channel: use %s", c, strings.Join(NotifyChannels, ", "))
		}
	}
	if u.SlackID != "" && !slackIDRE.MatchString(u.SlackID) {
		v.Add("slack_id", "is not a Slack member id (U or W followed by letters and digits)")
	}
	if !u.AwayUntil.IsZero() && !u.AwayFrom.IsZero() && !u.AwayUntil.After(u.AwayFrom) {
		v.Add("away_until", "must be after away_from")
	}
	return v.Err()
}

// slackIDRE matches a Slack member id such as U024BE7LH.
var slackIDRE = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)

// ChannelSet is a person's notification channels. In JSON it is a list
// (["email", "slack"]) or, as in a users CSV file, one string separated by
// semicolons ("email;slack").
type ChannelSet []string

// UnmarshalJSON reads a list or a ';'-separated string.
func (c *ChannelSet) UnmarshalJSON(b []byte) error {
	var list []string
	if err := json.Unmarshal(b, &list); err == nil {
		*c = list
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return Errorf(EINVALID, "channels: want a list of channels or a ';'-separated string")
	}
	*c = nil
	for _, ch := range strings.Split(s, ";") {
		if ch = strings.ToLower(strings.TrimSpace(ch)); ch != "" {
			*c = append(*c, ch)
		}
	}
	return nil
}
